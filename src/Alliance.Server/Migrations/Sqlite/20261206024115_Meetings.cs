using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alliance.Server.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Meetings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Rules_DecisionsAt",
                table: "alliances",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                // alliances founded before meetings decide in writing, as they did (RulesOfProcedure.DecisionsAt)
                defaultValue: "Written");

            migrationBuilder.AddColumn<int>(
                name: "Rules_MaxDeferrals",
                table: "alliances",
                type: "INTEGER",
                nullable: false,
                // RulesOfProcedure.MaxDeferrals
                defaultValue: 2);

            migrationBuilder.CreateTable(
                name: "meetings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AllianceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    HostOrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    StartsUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndsUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Location = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CurrentPointId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Minutes = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    CreatedBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AgendaFixedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    OpenedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ClosedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    MinutesPublishedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CancelReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_meetings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_meetings_alliances_AllianceId",
                        column: x => x.AllianceId,
                        principalTable: "alliances",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "meeting_agenda_points",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    MeetingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Order = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ItemId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    Notes = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    RemovedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RemovedReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    VoteOpen = table.Column<bool>(type: "INTEGER", nullable: false),
                    VoteOpenedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    VoteClosedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Eligible = table.Column<int>(type: "INTEGER", nullable: false),
                    VotesFor = table.Column<int>(type: "INTEGER", nullable: false),
                    VotesAgainst = table.Column<int>(type: "INTEGER", nullable: false),
                    VotesAbstain = table.Column<int>(type: "INTEGER", nullable: false),
                    TallyRevision = table.Column<int>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Resolution = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    LeadUnitId = table.Column<Guid>(type: "TEXT", nullable: true),
                    DueDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    RouteTaskId = table.Column<Guid>(type: "TEXT", nullable: true),
                    DecidedUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_meeting_agenda_points", x => x.Id);
                    table.ForeignKey(
                        name: "FK_meeting_agenda_points_items_ItemId",
                        column: x => x.ItemId,
                        principalTable: "items",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_meeting_agenda_points_meetings_MeetingId",
                        column: x => x.MeetingId,
                        principalTable: "meetings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "meeting_members",
                columns: table => new
                {
                    MeetingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Reply = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    AbsenceReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    DeputyName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    RepliedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CheckedInUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CheckedInBy = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_meeting_members", x => new { x.MeetingId, x.OrganisationId });
                    table.ForeignKey(
                        name: "FK_meeting_members_meetings_MeetingId",
                        column: x => x.MeetingId,
                        principalTable: "meetings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_meeting_members_organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "meeting_ballots",
                columns: table => new
                {
                    PointId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Choice = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CastBy = table.Column<Guid>(type: "TEXT", nullable: true),
                    CastUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_meeting_ballots", x => new { x.PointId, x.OrganisationId });
                    table.ForeignKey(
                        name: "FK_meeting_ballots_meeting_agenda_points_PointId",
                        column: x => x.PointId,
                        principalTable: "meeting_agenda_points",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_meeting_ballots_organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_meeting_agenda_points_ItemId",
                table: "meeting_agenda_points",
                column: "ItemId");

            migrationBuilder.CreateIndex(
                name: "IX_meeting_agenda_points_MeetingId",
                table: "meeting_agenda_points",
                column: "MeetingId");

            migrationBuilder.CreateIndex(
                name: "IX_meeting_ballots_OrganisationId",
                table: "meeting_ballots",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_meeting_members_OrganisationId",
                table: "meeting_members",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_meetings_AllianceId_StartsUtc",
                table: "meetings",
                columns: new[] { "AllianceId", "StartsUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "meeting_ballots");

            migrationBuilder.DropTable(
                name: "meeting_members");

            migrationBuilder.DropTable(
                name: "meeting_agenda_points");

            migrationBuilder.DropTable(
                name: "meetings");

            migrationBuilder.DropColumn(
                name: "Rules_DecisionsAt",
                table: "alliances");

            migrationBuilder.DropColumn(
                name: "Rules_MaxDeferrals",
                table: "alliances");
        }
    }
}
