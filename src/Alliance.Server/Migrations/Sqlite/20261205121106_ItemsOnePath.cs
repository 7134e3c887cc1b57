using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alliance.Server.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ItemsOnePath : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_item_events_DispatchedUtc",
                table: "item_events");

            migrationBuilder.DropColumn(
                name: "DispatchedUtc",
                table: "item_events");

            migrationBuilder.AddColumn<string>(
                name: "IdempotencyKey",
                table: "items",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AllowedOutcomes",
                table: "item_tasks",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "DelegatedTo",
                table: "item_tasks",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Fields",
                table: "item_tasks",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.CreateTable(
                name: "item_task_candidates",
                columns: table => new
                {
                    TaskId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_item_task_candidates", x => new { x.TaskId, x.OrganisationId });
                    table.ForeignKey(
                        name: "FK_item_task_candidates_item_tasks_TaskId",
                        column: x => x.TaskId,
                        principalTable: "item_tasks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_items_SubmittedBy_IdempotencyKey",
                table: "items",
                columns: new[] { "SubmittedBy", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_item_tasks_CandidateRole_ClosedUtc",
                table: "item_tasks",
                columns: new[] { "CandidateRole", "ClosedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_item_tasks_ClaimedBy_ClosedUtc",
                table: "item_tasks",
                columns: new[] { "ClaimedBy", "ClosedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_item_task_candidates_OrganisationId",
                table: "item_task_candidates",
                column: "OrganisationId");

            // Tasks opened before this migration: their outcomes, form and hand-over from the runtime's open bookmark,
            // and one candidate row per organisation they are offered to.
            migrationBuilder.Sql("""
                UPDATE item_tasks SET
                    "AllowedOutcomes" = (SELECT b."AllowedOutcomes" FROM wf_bookmarks b WHERE b."Id" = item_tasks."Id"),
                    "Fields" = (SELECT b."Fields" FROM wf_bookmarks b WHERE b."Id" = item_tasks."Id"),
                    "DelegatedTo" = (SELECT b."DelegatedTo" FROM wf_bookmarks b WHERE b."Id" = item_tasks."Id")
                WHERE EXISTS (SELECT 1 FROM wf_bookmarks b WHERE b."Id" = item_tasks."Id");
                WITH RECURSIVE split(task, organisation, rest) AS (
                    SELECT "Id", '', "CandidateOrganisations" || ',' FROM item_tasks WHERE "CandidateOrganisations" IS NOT NULL
                    UNION ALL
                    SELECT task, substr(rest, 1, instr(rest, ',') - 1), substr(rest, instr(rest, ',') + 1) FROM split WHERE rest <> '')
                INSERT OR IGNORE INTO item_task_candidates ("TaskId", "OrganisationId")
                SELECT task, upper(organisation) FROM split WHERE organisation <> '';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "item_task_candidates");

            migrationBuilder.DropIndex(
                name: "IX_items_SubmittedBy_IdempotencyKey",
                table: "items");

            migrationBuilder.DropIndex(
                name: "IX_item_tasks_CandidateRole_ClosedUtc",
                table: "item_tasks");

            migrationBuilder.DropIndex(
                name: "IX_item_tasks_ClaimedBy_ClosedUtc",
                table: "item_tasks");

            migrationBuilder.DropColumn(
                name: "IdempotencyKey",
                table: "items");

            migrationBuilder.DropColumn(
                name: "AllowedOutcomes",
                table: "item_tasks");

            migrationBuilder.DropColumn(
                name: "DelegatedTo",
                table: "item_tasks");

            migrationBuilder.DropColumn(
                name: "Fields",
                table: "item_tasks");

            migrationBuilder.AddColumn<DateTime>(
                name: "DispatchedUtc",
                table: "item_events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_item_events_DispatchedUtc",
                table: "item_events",
                column: "DispatchedUtc");
        }
    }
}
