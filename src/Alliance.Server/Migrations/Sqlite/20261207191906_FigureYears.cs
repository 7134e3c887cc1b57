using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alliance.Server.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FigureYears : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_figure_deltas_Metric_Month_AllianceId_Value",
                table: "figure_deltas",
                columns: new[] { "Metric", "Month", "AllianceId", "Value" });

            migrationBuilder.CreateIndex(
                name: "IX_figure_deltas_Month_OrganisationId_Metric_Dimension_Value",
                table: "figure_deltas",
                columns: new[] { "Month", "OrganisationId", "Metric", "Dimension", "Value" });

            // every figure's year row (yyyy00): the sum of its month rows
            migrationBuilder.Sql("INSERT INTO figure_deltas (\"AllianceId\", \"OrganisationId\", \"Month\", \"Metric\", \"Dimension\", \"Value\") "
                + "SELECT \"AllianceId\", \"OrganisationId\", \"Month\" / 100 * 100, \"Metric\", \"Dimension\", SUM(\"Value\") FROM figure_deltas "
                + "WHERE \"Month\" % 100 <> 0 GROUP BY \"AllianceId\", \"OrganisationId\", \"Month\" / 100 * 100, \"Metric\", \"Dimension\" HAVING SUM(\"Value\") <> 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DELETE FROM figure_deltas WHERE \"Month\" % 100 = 0");

            migrationBuilder.DropIndex(
                name: "IX_figure_deltas_Metric_Month_AllianceId_Value",
                table: "figure_deltas");

            migrationBuilder.DropIndex(
                name: "IX_figure_deltas_Month_OrganisationId_Metric_Dimension_Value",
                table: "figure_deltas");
        }
    }
}
