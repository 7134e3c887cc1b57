using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alliance.Server.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RuleCategories : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Rules_Categories",
                table: "alliances",
                type: "TEXT",
                nullable: false,
                // Alliances founded before the list existed take the default list (RulesOfProcedure.DefaultCategories).
                defaultValue: "[\"场地\",\"教育\",\"文体\",\"养老\",\"医疗\",\"法律\",\"安全\",\"环境\",\"综合治理\",\"就业\",\"助残\",\"物资\",\"志愿服务\",\"其他\",\"经费使用\",\"议事规则修改\",\"成员单位调整\"]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Rules_Categories",
                table: "alliances");
        }
    }
}
