using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alliance.Server.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DirectoryStamp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "directory_stamp",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    Stamp = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_directory_stamp", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "directory_stamp",
                columns: new[] { "Id", "Stamp" },
                values: new object[] { 1, new Guid("5c0c6d7e-4a44-4c59-9f1b-7d0f4f0b2a01") });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "directory_stamp");
        }
    }
}
