using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alliance.Server.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Figures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "WasOverdue",
                table: "items",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // items whose work went overdue before this column existed: their current flag, or an overdue task
            migrationBuilder.Sql("UPDATE items SET \"WasOverdue\" = 1 WHERE \"Overdue\" = 1 OR EXISTS (SELECT 1 FROM item_tasks t WHERE t.\"ItemId\" = items.\"Id\" AND t.\"OverdueUtc\" IS NOT NULL)");

            migrationBuilder.CreateTable(
                name: "figure_deltas",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AllianceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Month = table.Column<int>(type: "INTEGER", nullable: false),
                    Metric = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Dimension = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Value = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_figure_deltas", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_figure_deltas_AllianceId_Month",
                table: "figure_deltas",
                columns: new[] { "AllianceId", "Month" });

            migrationBuilder.CreateIndex(
                name: "IX_figure_deltas_OrganisationId_Month",
                table: "figure_deltas",
                columns: new[] { "OrganisationId", "Month" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "figure_deltas");

            migrationBuilder.DropColumn(
                name: "WasOverdue",
                table: "items");
        }
    }
}
