using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alliance.Server.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class MeetingCalendar : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Rules_MeetingLeadDays",
                table: "alliances",
                type: "integer",
                nullable: false,
                // RulesOfProcedure.MeetingLeadDays
                defaultValue: 14);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Rules_MeetingLeadDays",
                table: "alliances");
        }
    }
}
