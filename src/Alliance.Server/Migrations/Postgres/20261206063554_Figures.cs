using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Alliance.Server.Migrations.Postgres
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
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // items whose work went overdue before this column existed: their current flag, or an overdue task
            migrationBuilder.Sql("UPDATE items SET \"WasOverdue\" = TRUE WHERE \"Overdue\" = TRUE OR EXISTS (SELECT 1 FROM item_tasks t WHERE t.\"ItemId\" = items.\"Id\" AND t.\"OverdueUtc\" IS NOT NULL)");

            migrationBuilder.CreateTable(
                name: "figure_deltas",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AllianceId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Month = table.Column<int>(type: "integer", nullable: false),
                    Metric = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Dimension = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Value = table.Column<long>(type: "bigint", nullable: false)
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
