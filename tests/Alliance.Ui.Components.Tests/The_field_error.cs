using Alliance.Server.Features.Ui.Shell;

namespace Alliance.Ui.Components.Tests;

/// <summary>FieldError: a field's error beside it, with the id its input points to; nothing for a field without one.</summary>
public sealed class The_field_error : ChineseComponentContext
{
    private static readonly Dictionary<string, string> Errors = new() { ["title"] = "请填写标题。" };

    [Fact]
    public void Shows_the_fields_own_error_with_the_id_its_input_describes_itself_by()
    {
        var error = Render<FieldError>(p => p.Add(c => c.Errors, Errors).Add(c => c.Field, "title"));

        var text = error.Find("p.field-error");
        Assert.Equal("title-error", text.Id);
        Assert.Equal("title", text.GetAttribute("data-field"));
        Assert.Equal("请填写标题。", text.TextContent);
    }

    [Fact]
    public void Renders_nothing_for_a_field_without_an_error()
    {
        var error = Render<FieldError>(p => p.Add(c => c.Errors, Errors).Add(c => c.Field, "description"));

        Assert.Empty(error.FindAll("p"));
    }
}
