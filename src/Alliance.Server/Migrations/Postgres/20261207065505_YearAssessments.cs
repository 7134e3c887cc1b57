using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alliance.Server.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class YearAssessments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // existing alliances take the default weights (they sum to 100), sharing target and objection window of RulesOfProcedure
            migrationBuilder.AddColumn<TimeSpan>(
                name: "Rules_AssessmentObjectionWindow",
                table: "alliances",
                type: "interval",
                nullable: false,
                defaultValue: new TimeSpan(7, 0, 0, 0, 0));

            migrationBuilder.AddColumn<int>(
                name: "Rules_SharingTarget",
                table: "alliances",
                type: "integer",
                nullable: false,
                defaultValue: 12);

            migrationBuilder.AddColumn<int>(
                name: "Rules_WeightAttendance",
                table: "alliances",
                type: "integer",
                nullable: false,
                defaultValue: 15);

            migrationBuilder.AddColumn<int>(
                name: "Rules_WeightCommitments",
                table: "alliances",
                type: "integer",
                nullable: false,
                defaultValue: 20);

            migrationBuilder.AddColumn<int>(
                name: "Rules_WeightSatisfaction",
                table: "alliances",
                type: "integer",
                nullable: false,
                defaultValue: 25);

            migrationBuilder.AddColumn<int>(
                name: "Rules_WeightSharing",
                table: "alliances",
                type: "integer",
                nullable: false,
                defaultValue: 10);

            migrationBuilder.AddColumn<int>(
                name: "Rules_WeightTimeliness",
                table: "alliances",
                type: "integer",
                nullable: false,
                defaultValue: 30);

            migrationBuilder.CreateTable(
                name: "year_assessments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AllianceId = table.Column<Guid>(type: "uuid", nullable: false),
                    StreetId = table.Column<Guid>(type: "uuid", nullable: false),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ContentJson = table.Column<string>(type: "text", nullable: false),
                    ComputedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Generation = table.Column<int>(type: "integer", nullable: false),
                    PublishedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ObjectionDeadlineUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SubmittedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ApprovedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ApprovedBy = table.Column<Guid>(type: "uuid", nullable: true),
                    DistrictNote = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_year_assessments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "assessment_objections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AssessmentId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Criterion = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    RaisedBy = table.Column<Guid>(type: "uuid", nullable: true),
                    RaisedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Ruling = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Adjustment = table.Column<double>(type: "double precision", nullable: false),
                    RuledBy = table.Column<Guid>(type: "uuid", nullable: true),
                    RuledUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_assessment_objections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_assessment_objections_year_assessments_AssessmentId",
                        column: x => x.AssessmentId,
                        principalTable: "year_assessments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_assessment_objections_AssessmentId_OrganisationId",
                table: "assessment_objections",
                columns: new[] { "AssessmentId", "OrganisationId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_year_assessments_AllianceId_Year",
                table: "year_assessments",
                columns: new[] { "AllianceId", "Year" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "assessment_objections");

            migrationBuilder.DropTable(
                name: "year_assessments");

            migrationBuilder.DropColumn(
                name: "Rules_AssessmentObjectionWindow",
                table: "alliances");

            migrationBuilder.DropColumn(
                name: "Rules_SharingTarget",
                table: "alliances");

            migrationBuilder.DropColumn(
                name: "Rules_WeightAttendance",
                table: "alliances");

            migrationBuilder.DropColumn(
                name: "Rules_WeightCommitments",
                table: "alliances");

            migrationBuilder.DropColumn(
                name: "Rules_WeightSatisfaction",
                table: "alliances");

            migrationBuilder.DropColumn(
                name: "Rules_WeightSharing",
                table: "alliances");

            migrationBuilder.DropColumn(
                name: "Rules_WeightTimeliness",
                table: "alliances");
        }
    }
}
