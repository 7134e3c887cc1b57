using Alliance.Server.Features.Audit;
using Alliance.Server.Features.Demo;
using Alliance.Server.Features.Organisations;
using Alliance.Server.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Alliance.Ui.Tests;

/// <summary>
/// 组织 and 联盟 in the browser, as the district administrator: a street is added (bad input refused beside each field,
/// nothing stored), found by search and filter, renamed and withdrawn; an alliance is founded on a new community, renamed,
/// a unit admitted and its membership ended, and its rules of procedure edited (a bad number refused beside its box). A
/// unit contact gets the API's 404 and 403 on the same pages. Each new region is made for the test, so the demo's two
/// streets stay as other tests expect them.
/// </summary>
[Collection(SharedUi.Name)]
public sealed class Administering_organisations_and_alliances(UiServer ui)
{
    [Fact]
    public async Task The_district_administrator_adds_finds_renames_and_withdraws_a_street()
    {
        var name = "界面测试街道" + Guid.NewGuid().ToString("N")[..6];
        var admin = await ui.PhoneAsync(DemoUsers.DistrictAdmin);
        await admin.ClickAsync("nav a[href='/admin']");
        await admin.ClickAsync("main a[href='/admin/organisations']");
        await Assertions.Expect(admin.Locator("h1")).ToHaveTextAsync("组织");

        var create = admin.Locator("[data-testid=create-organisation]");
        await create.Locator("summary").ClickAsync();
        await admin.SelectOptionAsync("#kind", "Street");
        await admin.SelectOptionAsync("#parentId", DemoRegion.District.Value.ToString());
        await admin.FillAsync("#categories", "养老");
        await create.Locator("[data-testid=create]").ClickAsync();
        await Assertions.Expect(admin.Locator(".field-error[data-field=name]")).ToHaveTextAsync("请填写名称。");
        await Assertions.Expect(admin.Locator(".field-error[data-field=serviceCategories]")).ToContainTextAsync("只有共建单位有服务类别");
        await UiServer.ScreenshotAsync(admin, "admin-organisation-errors");
        Assert.Equal(0, await CountAsync(name));

        await admin.FillAsync("#name", name);
        await admin.FillAsync("#categories", "");
        await admin.FillAsync("#address", "江滨区测试路1号");
        await admin.Locator("[data-testid=create]").ClickAsync();
        await Assertions.Expect(admin.Locator("[data-testid=admin-done]")).ToHaveTextAsync("组织已新增。");
        await Assertions.Expect(admin.Locator("h1")).ToHaveTextAsync(name);
        Assert.Equal(1, await CountAsync(name));

        await admin.GotoAsync($"/admin/organisations?q={Uri.EscapeDataString(name)}&kind=Street");
        await Assertions.Expect(admin.Locator("[data-testid=organisation]")).ToHaveCountAsync(1);
        await admin.GotoAsync($"/admin/organisations?kind=Community&street={DemoRegion.Street(1).Value}");
        await Assertions.Expect(admin.Locator("[data-testid=organisation]")).ToHaveCountAsync(3); // 桂花, 新华, 滨江
        await MeetingsKit.AssertFitsAsync(admin);
        await UiServer.ScreenshotAsync(admin, "admin-organisations");

        await admin.GotoAsync($"/admin/organisations?q={Uri.EscapeDataString(name)}");
        await admin.ClickAsync("[data-testid=organisation] a.title");
        await admin.FillAsync("#name", "");
        await admin.ClickAsync("[data-testid=save]");
        await Assertions.Expect(admin.Locator(".field-error[data-field=name]")).ToHaveTextAsync("请填写名称。");
        await admin.FillAsync("#name", name + "（改）");
        await admin.ClickAsync("[data-testid=save]");
        await Assertions.Expect(admin.Locator("[data-testid=admin-done]")).ToHaveTextAsync("组织信息已保存。");
        await Assertions.Expect(admin.Locator("h1")).ToHaveTextAsync(name + "（改）");

        await admin.ClickAsync("[data-testid=withdraw] summary");
        await admin.FillAsync("#reason", "区划调整");
        await admin.ClickAsync("[data-testid=confirm-withdraw]");
        await Assertions.Expect(admin.Locator("[data-testid=organisation-status]")).ToContainTextAsync("已退出");
        await Assertions.Expect(admin.Locator("[data-testid=withdraw]")).ToHaveCountAsync(0);
        await MeetingsKit.AssertFitsAsync(admin);
        await UiServer.ScreenshotAsync(admin, "admin-organisation-withdrawn");
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task A_unit_contact_gets_the_apis_not_found_and_forbidden_on_the_administration_pages()
    {
        var contact = await ui.PhoneAsync(DemoUsers.UnitContact);
        await Assertions.Expect(contact.Locator("nav a[href='/admin']")).ToHaveCountAsync(0);

        var otherStreet = await contact.GotoAsync($"/admin/organisations/{DemoRegion.Unit(13).Value}");
        Assert.Equal(404, otherStreet!.Status);
        await Assertions.Expect(contact.Locator("[data-testid=not-found]")).ToBeVisibleAsync();

        await contact.GotoAsync($"/admin/organisations/{DemoRegion.Unit(1).Value}");
        await Assertions.Expect(contact.Locator("[data-testid=admin-refused]")).ToHaveTextAsync("您可以查看该组织，但无权管理它。");
        await Assertions.Expect(contact.Locator("[data-testid=edit-form]")).ToHaveCountAsync(0);

        await contact.GotoAsync("/admin/organisations");
        await Assertions.Expect(contact.Locator("[data-testid=create-organisation]")).ToHaveCountAsync(0);

        var otherAlliance = await contact.GotoAsync($"/admin/alliances/{DemoRegion.StreetAlliance(2).Value}");
        Assert.Equal(404, otherAlliance!.Status);
        await contact.GotoAsync($"/admin/alliances/{DemoRegion.CommunityAlliance(1).Value}");
        await Assertions.Expect(contact.Locator("[data-testid=admin-refused]")).ToHaveTextAsync("您可以查看该组织，但无权管理它。");
        await Assertions.Expect(contact.Locator("[data-testid=edit-rules]")).ToHaveCountAsync(0);

        await contact.GotoAsync("/admin");
        await Assertions.Expect(contact.Locator("[data-testid=admin-refused]")).ToBeVisibleAsync();
        await contact.Context.CloseAsync();
    }

    [Fact]
    public async Task The_district_administrator_founds_an_alliance_admits_and_ends_a_member_and_edits_its_rules()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        // one call each: the scope that may add under a new organisation is resolved after it exists
        var street = await CreateAsync(new(OrganisationKind.Street, "联盟测试街道" + tag, DemoRegion.District, null, null, null));
        var community = await CreateAsync(new(OrganisationKind.Community, "联盟测试社区" + tag, street, null, null, null));
        var unit = await CreateAsync(new(OrganisationKind.Unit, "联盟测试单位" + tag, community, UnitType.School, ["教育"], null));
        var name = "联盟测试社区" + tag + "区域化党建联盟";
        var admin = await ui.PhoneAsync(DemoUsers.DistrictAdmin);
        await admin.GotoAsync("/admin/alliances");
        var found = admin.Locator("[data-testid=found-alliance]");
        await found.Locator("summary").ClickAsync();
        await admin.SelectOptionAsync("#level", "Street");
        await admin.SelectOptionAsync("#host", community.Value.ToString());
        await found.Locator("[data-testid=found]").ClickAsync();
        await Assertions.Expect(admin.Locator(".field-error[data-field=name]")).ToHaveTextAsync("请填写名称。");
        await Assertions.Expect(admin.Locator(".field-error[data-field=hostOrganisationId]")).ToContainTextAsync("区域化党建联盟由社区牵头");
        Assert.False(await ui.AsAsync(DemoUsers.DistrictAdmin, (services, _) =>
            services.GetRequiredService<AllianceDbContext>().Alliances.AnyAsync(a => a.HostOrganisationId == community)));

        await admin.SelectOptionAsync("#level", "Community");
        await admin.FillAsync("#name", name);
        await admin.Locator("[data-testid=found]").ClickAsync();
        await Assertions.Expect(admin.Locator("[data-testid=admin-done]")).ToHaveTextAsync("联盟已建立。");
        await Assertions.Expect(admin.Locator("h1")).ToHaveTextAsync(name);
        await MeetingsKit.WaitUntilInteractiveAsync(admin);
        await Assertions.Expect(admin.Locator("dd[data-rule=opinionWindow]")).ToHaveTextAsync("7 天");
        await Assertions.Expect(admin.Locator("dd[data-rule=quorum]")).ToHaveTextAsync("超过1/2");

        await admin.ClickAsync("[data-testid=rename] summary");
        await admin.FillAsync("#alliance-name", name + "（改）");
        await admin.ClickAsync("[data-testid=save-name]");
        await Assertions.Expect(admin.Locator("h1")).ToHaveTextAsync(name + "（改）");

        var admit = admin.Locator("[data-testid=admit]");
        await admit.Locator("summary").ClickAsync();
        await admit.Locator("[data-testid=admit-member]").ClickAsync();
        await Assertions.Expect(admit.Locator(".field-error[data-field=organisationId]")).ToHaveTextAsync("请选择成员单位。");
        await admit.Locator("[data-testid=admit-organisation]").SelectOptionAsync(unit.Value.ToString());
        await admit.Locator("[data-testid=admit-member]").ClickAsync();
        await Assertions.Expect(admin.Locator("[data-testid=admin-done]")).ToHaveTextAsync("成员单位已加入。");
        var member = admin.Locator($"[data-testid=member][data-organisation='{unit.Value}']");
        await Assertions.Expect(member.Locator("[data-testid=member-status]")).ToHaveTextAsync("在册");

        await member.Locator("details.remove summary").ClickAsync();
        await member.Locator("[data-testid=until]").FillAsync("2000-01-01");
        await member.Locator("[data-testid=end-member]").ClickAsync();
        await Assertions.Expect(member.Locator(".field-error[data-field=until]")).ToHaveTextAsync("退出日期不能早于加入日期。");
        await member.Locator("[data-testid=until]").FillAsync("2099-12-31");
        await member.Locator("[data-testid=end-member]").ClickAsync();
        await Assertions.Expect(member.Locator("[data-testid=member-status]")).ToHaveTextAsync("已退出");

        var rules = admin.Locator("[data-testid=edit-rules]");
        await rules.Locator("summary").ClickAsync();
        await admin.FillAsync("#rule-opinionWindow", "七天");
        await admin.FillAsync("#rule-maxDeferrals", "30");
        await rules.Locator("[data-testid=save-rules]").ClickAsync();
        await Assertions.Expect(rules.Locator(".field-error[data-field=opinionWindow]")).ToHaveTextAsync("大事共议：意见征集期须为数字。");
        await admin.FillAsync("#rule-opinionWindow", "10");
        await rules.Locator("[data-testid=save-rules]").ClickAsync();
        await Assertions.Expect(rules.Locator(".field-error[data-field=maxDeferrals]")).ToHaveTextAsync("缓议次数上限须在 0 到 10 之间。");
        await UiServer.ScreenshotAsync(admin, "admin-alliance-rules-errors");
        Assert.Equal(TimeSpan.FromDays(7), await OpinionWindowAsync(community));

        await admin.FillAsync("#rule-maxDeferrals", "3");
        await admin.SelectOptionAsync("#rule-quorum", ">=2/3");
        await rules.Locator("[data-testid=save-rules]").ClickAsync();
        await Assertions.Expect(admin.Locator("[data-testid=admin-done]")).ToHaveTextAsync("议事规则已保存。");
        await Assertions.Expect(admin.Locator("dd[data-rule=opinionWindow]")).ToHaveTextAsync("10 天");
        await Assertions.Expect(admin.Locator("dd[data-rule=quorum]")).ToHaveTextAsync("不少于2/3");
        Assert.Equal(TimeSpan.FromDays(10), await OpinionWindowAsync(community));
        await MeetingsKit.AssertFitsAsync(admin);
        await UiServer.ScreenshotAsync(admin, "admin-alliance");
        await admin.Context.CloseAsync();
    }

    private Task<OrganisationId> CreateAsync(OrganisationsApi.CreateOrganisationRequest request) => ui.AsAsync(DemoUsers.DistrictAdmin, async (services, scope) =>
        (await OrganisationOperations.CreateAsync(request, scope, services.GetRequiredService<AllianceDbContext>(), services.GetRequiredService<AuditTrail>(),
            services.GetRequiredService<TimeProvider>(), CancellationToken.None)).Id);

    private Task<int> CountAsync(string name) => ui.AsAsync(DemoUsers.DistrictAdmin, (services, _) =>
        services.GetRequiredService<AllianceDbContext>().Organisations.CountAsync(o => o.Name == name || o.Name == name + "（改）"));

    private Task<TimeSpan> OpinionWindowAsync(OrganisationId host) => ui.AsAsync(DemoUsers.DistrictAdmin, async (services, _) =>
        (await services.GetRequiredService<AllianceDbContext>().Alliances.AsNoTracking().SingleAsync(a => a.HostOrganisationId == host)).Rules.OpinionWindow);
}
