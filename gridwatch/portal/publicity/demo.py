"""The demo's integrity-culture publicity (廉政文化, R18): four columns, eight published articles (one pinned
notice of the supervision mailbox and phone, one news item with a poster drawn here), one draft and one
withdrawn article, all written by the county commission's demo account through the services.

Every person, unit and case in the texts is invented; the warning-education case is anonymised as a real
notice would be (某局干部甲某). No random draw: the same texts, dates relative to the day the demo is made,
and the same poster on every run."""

import datetime
import io

from django.utils import timezone

COLUMNS = [
    ("廉政要闻", "news", "县纪委监委工作动态和全县党风廉政建设要闻"),
    ("纪法知识", "knowledge", "党纪国法知识和“八小时以外”行为规范解读"),
    ("警示教育", "warning-education", "典型问题通报和以案促改，以身边事教育身边人"),
    ("通知公告", "notices", "县纪委监委的通知、公告和监督举报渠道"),
]

MAILBOX_NOTICE = """为深入推进全县领导干部作风建设，加强对领导干部“八小时以外”社交圈、生活圈、家庭圈、公益圈的监督，现将干部作风监督举报渠道公告如下。

## 一、受理范围

1. 全县科级以上领导干部在工作时间以外违反中央八项规定精神及其实施细则的问题；
2. 违规操办婚丧喜庆事宜、违规收送礼品礼金、违规参与赌博、酒驾醉驾等问题；
3. 不尊老爱幼、不孝敬父母、邻里关系恶劣、不履行社会公德和家庭美德等问题；
4. 其他违反社会公德、职业道德、家庭美德、个人品德的问题。

## 二、举报方式

- **网上监督信箱**：在本网站点击“[我要反映问题](/report/)”，可实名或匿名填写，提交后获得查询码，凭查询码查询办理进展；
- **监督电话**：{phone}；
- **纪检监察举报电话**：12388；
- **来信来访**：寄送或送达县纪委监委信访室，也可向所在网格的网格长、监督员当面反映。

## 三、有关要求

反映问题应当实事求是，尽量写明被反映人的姓名、单位、职务和具体问题的时间、地点、经过。县纪委监委对举报人信息严格保密，对打击报复举报人的严肃查处；对借举报之机捏造事实、诬告陷害他人的，依规依纪依法追究责任。

特此公告。"""

ARTICLES = [
    # (column slug, title, summary, body, days before today, pinned)
    (
        "notices",
        "关于公布领导干部作风监督举报渠道的公告",
        "网上监督信箱、监督电话、12388举报电话和来信来访渠道，欢迎广大群众监督。",
        MAILBOX_NOTICE,
        40,
        True,
    ),
    (
        "notices",
        "关于深入推进网格化干部作风监督工作的通知",
        "按照“乡镇管理、社区评议、网格处理、群众监督、代表评价”的思路，全面推开网格化监督。",
        """各乡镇（街道）纪委，县直各单位：

为把领导干部“八小时以外”的监督落到实处，县纪委监委决定在全县深入推进网格化干部作风监督工作。现将有关事项通知如下。

## 一、划分监督网格

各乡镇（街道）以社区（村）为基础划分监督网格，每个网格成立网格监督小组，由网格长、副组长和1至5名监督员组成。居住在网格内的县管领导干部，一律纳入所居住网格监督。

## 二、开展“三亮三比”

- **亮身份、比形象**：在网格公开栏和本网站公布网格内领导干部的姓名、单位和职务；
- **亮承诺、比贡献**：领导干部每年在居住网格作出服务群众的具体承诺，年中召开践诺推进会，年底评议；
- **亮标准、比满意**：公开作风监督标准，年底组织“两代表一委员”和服务对象开展民主测评。

## 三、畅通反映渠道

网格监督员每月填写监督卡，乡镇（街道）纪委每月5日前报送信息月报，重要事项随时报送。群众可通过网上监督信箱、监督电话或向网格监督员反映问题。

## 四、工作要求

各单位要高度重视，明确专人负责，按时报送干部居住信息；对反映的问题要认真核实，不属实的及时澄清正名，切实保护干部干事创业的积极性。""",
        33,
        False,
    ),
    (
        "knowledge",
        "领导干部“八小时以外”行为规范解读",
        "“八小时以外”不是监督的“空白地带”。本文从社交圈、生活圈、家庭圈、公益圈四个方面解读行为规范。",
        """“八小时以外”是领导干部自由支配的时间，也是检验作风的“试金石”。从近年查处的问题看，不少干部出问题，恰恰是从工作时间以外的吃喝、娱乐、交友开始的。

## 社交圈：交友要有原则

不接受可能影响公正执行公务的宴请和礼品礼金；不参加管理和服务对象安排的旅游、健身、娱乐活动；不出入私人会所；与民营企业家交往做到“亲”而有度、“清”而有为。

## 生活圈：生活要有品位

不参与赌博，不酒后驾驶机动车，不在公共场所醉酒滋事；培养健康的生活情趣，自觉抵制低级趣味。

## 家庭圈：家风要有规矩

孝敬父母、关爱子女、夫妻和睦、邻里团结；管好配偶、子女和身边工作人员，不允许其利用本人职权和影响谋取私利。

## 公益圈：服务要有担当

积极参加居住社区的志愿服务和公益活动，主动向网格报到，兑现向群众作出的承诺。

> 监督不是不信任，而是最好的保护。领导干部要习惯在监督下工作和生活。""",
        26,
        False,
    ),
    (
        "knowledge",
        "纪法知识问答：操办婚丧喜庆事宜有哪些纪律要求？",
        "操办婚丧喜庆事宜要事前报告、控制规模，严禁借机敛财。",
        """**问：领导干部操办本人及子女婚礼，需要履行什么程序？**

答：应当按照规定事前向所在单位党组织和县纪委监委报告拟邀请的人数、范围、地点和车辆等情况，事后在规定时间内报告实际操办情况。

**问：可以收受哪些人的礼金？**

答：不得收受管理和服务对象、下属以及其他可能影响公正执行公务人员的礼金。亲属之间正常的礼尚往来，应当符合当地习俗，数额不得明显超出正常标准。

**问：违规操办婚丧喜庆事宜会受到什么处理？**

答：根据《中国共产党纪律处分条例》的有关规定，利用职权或者职务上的影响操办婚丧喜庆事宜，在社会上造成不良影响，或者借机敛财的，视情节轻重给予相应的党纪处分。

**问：群众发现违规操办的线索，可以怎样反映？**

答：可以通过本网站的网上监督信箱、监督电话或向所在网格的监督员反映，县纪委监委对举报人信息严格保密。""",
        19,
        False,
    ),
    (
        "warning-education",
        "警示教育：某局干部违规接受管理服务对象宴请问题剖析",
        "以身边事教育身边人：一次“朋友聚会”背后的纪律红线。",
        """## 基本情况

经查，县某局副局长甲某于某年中秋节前夕，在下班后接受其分管领域一家企业负责人安排的宴请，并在宴请后接受该负责人赠送的购物卡若干张。此事经群众通过网格监督员反映，县纪委监委核实属实。甲某受到党内严重警告处分，违纪所得予以收缴。

## 问题剖析

一是纪律意识淡薄。甲某认为下班后吃顿饭是“私事”，把管理服务对象当作“朋友”，模糊了公私界限。

二是心存侥幸。甲某以为宴请安排在城郊农家乐、不公开身份就不会被发现，忽视了网格化监督下群众的“眼睛”。

三是小节失守。从接受一顿饭到接受购物卡，正是“温水煮青蛙”的过程。

## 警示启示

全县党员干部要引以为戒，时刻绷紧纪律之弦，“八小时以外”同样要守规矩、讲纪律，自觉接受组织监督和群众监督。

*（本案例已作匿名处理，仅用于警示教育。）*""",
        13,
        False,
    ),
    (
        "news",
        "县纪委监委召开网格化干部作风监督工作推进会",
        "总结上半年工作，部署下一阶段网格监督、信息月报和践诺推进工作。",
        """近日，县纪委监委召开网格化干部作风监督工作推进会，各乡镇（街道）纪委书记、县直有关单位分管负责同志参加会议。

会议通报了上半年全县网格化监督工作情况：全县各网格监督员按月填写监督卡，各乡镇（街道）按时报送信息月报，群众反映的问题均已按程序办理，对反映不实的干部及时予以澄清。

会议要求，一要压实责任，网格长、监督员要把监督融入日常走访；二要提高质量，监督卡和民情日记要记实情、写具体；三要严格程序，对反映的问题依规依纪依法处置，既不放过问题，也不冤枉干部；四要抓好践诺，督促领导干部兑现年初承诺。""",
        8,
        False,
    ),
    (
        "news",
        "广顺镇开展“清廉家风”主题教育活动",
        "镇纪委组织领导干部及家属观看警示教育片、签订家庭助廉承诺书。",
        """为推动领导干部把好家风建设放在重要位置，广顺镇纪委近日组织全镇居住在各网格的领导干部及其家属开展“清廉家风”主题教育活动。

活动中，参加人员集中观看了警示教育片，听取了家风家教专题讲座，并签订了家庭助廉承诺书。与会家属表示，将当好家庭“廉内助”，常吹家庭“廉政风”，守好家庭“廉洁门”。

下一步，广顺镇将结合网格化监督，把家庭圈作为“八小时以外”监督的重要内容，推动清廉家风建设常态化。""",
        5,
        False,
    ),
    (
        "news",
        "县纪委监委开展节前廉政提醒",
        "节日期间严防“四风”问题反弹，欢迎群众监督举报。",
        """节日将至，县纪委监委通过短信、工作群和网格公开栏等方式，向全县党员干部发送节前廉政提醒。

提醒要求，全县党员干部要严守中央八项规定精神，严禁违规收送礼品礼金、违规吃喝、公车私用，严禁违规操办婚丧喜庆事宜，严禁参与赌博和酒后驾车。

节日期间，县纪委监委将组织开展监督检查，对顶风违纪的问题严肃查处、点名道姓通报曝光。广大群众发现“四风”问题，可通过网上监督信箱或监督电话反映。""",
        2,
        False,
    ),
]

DRAFT = (
    "warning-education",
    "关于2起违规收送礼金问题的通报（待审核）",
    "",
    """## 一、某乡镇干部乙某违规收受礼金问题

（待核实后补充）

## 二、某单位干部丙某违规操办升学宴问题

（待核实后补充）""",
)

WITHDRAWN = (
    "news",
    "摆所镇召开年度民主测评动员会",
    "摆所镇组织“两代表一委员”和服务对象代表参加年度民主测评动员。",
    """近日，摆所镇召开年度民主测评动员会，部署对居住在本镇各网格的领导干部开展“亮标准、比满意”民主测评工作。

会议对测评对象、测评人员组成和计票规则作了说明。""",
    15,
    "测评时间有误，核实后重新发布",
)

POSTER_CAPTION = "网格化干部作风监督宣传海报（示意图）"


def _at(days_ago, hour=10):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def poster_png():
    """A poster drawn with Pillow: the commission's red, a banner and the slogan in the PDF font when one is
    installed (shapes only otherwise). The same bytes on every run with the same font."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = 1200, 675
    image = Image.new("RGB", (width, height), (179, 38, 30))
    draw = ImageDraw.Draw(image)
    # Bands of a darker red towards the bottom, and a light frame.
    for i in range(12):
        top = height - (i + 1) * 28
        draw.rectangle([0, top, width, top + 28], fill=(179 - i * 4, 38 - i, 30 - i))
    draw.rectangle([24, 24, width - 24, height - 24], outline=(255, 214, 153), width=4)
    draw.ellipse([width - 260, 60, width - 80, 240], outline=(255, 214, 153), width=6)
    draw.rectangle([80, 470, width - 80, 478], fill=(255, 214, 153))
    try:
        from gridwatch.core.pdf import font_location

        path, index = font_location()
        big = ImageFont.truetype(str(path), 84, index=index)
        middle = ImageFont.truetype(str(path), 44, index=index)
        small = ImageFont.truetype(str(path), 32, index=index)
    except Exception:  # no Chinese font installed: the poster keeps its shapes
        big = middle = small = None
    if big is not None:
        draw.text((width - 170, 150), "廉", font=big, fill=(255, 214, 153), anchor="mm")
        draw.text((80, 170), "网格化干部作风监督", font=big, fill=(255, 255, 255))
        draw.text((80, 300), "八小时以外 · 全天候监督", font=middle, fill=(255, 236, 204))
        draw.text(
            (80, 380), "亮身份 比形象 · 亮承诺 比贡献 · 亮标准 比满意", font=small, fill=(255, 236, 204)
        )
        draw.text(
            (80, 520), "监督信箱：本网站“我要反映问题”  举报电话：12388", font=small, fill=(255, 255, 255)
        )
        draw.text((80, 580), "县纪委监委", font=small, fill=(255, 214, 153))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def seed(gen):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gridwatch.geography.models import Area, Level

    from ..models import Article
    from . import services

    editor = gen.users["county_staff"]
    county = Area.objects.filter(level=Level.COUNTY).only("name", "supervision_phone").first()
    county_name = county.name if county else ""
    source = f"{county_name}纪委监委"
    phone = county.supervision_phone if county and county.supervision_phone else ""

    columns = {}
    for name, slug, description in COLUMNS:
        columns[slug] = services.column_create(actor=editor, name=name, slug=slug, description=description)

    poster_for = "县纪委监委召开网格化干部作风监督工作推进会"
    for slug, title, summary, body, days_ago, pinned in ARTICLES:
        if "{phone}" in body:
            body = body.format(phone=phone or "12388")
            if not phone:  # no county number in this demo: the national line is listed once, not twice
                body = body.replace("- **纪检监察举报电话**：12388；\n", "")
        article = services.article_create(
            actor=editor,
            category=columns[slug],
            title=title,
            summary=summary,
            body=body,
            source=source,
            pinned=pinned,
        )
        if title == poster_for:
            upload = SimpleUploadedFile("poster.png", poster_png(), content_type="image/png")
            services.article_image_add(actor=editor, article=article, upload=upload, caption=POSTER_CAPTION)
        services.article_publish(actor=editor, article=article)
        Article.objects.filter(pk=article.pk).update(
            published_at=_at(days_ago), created_at=_at(days_ago + 1, 16)
        )

    slug, title, summary, body = DRAFT
    services.article_create(
        actor=editor, category=columns[slug], title=title, summary=summary, body=body, source=source
    )

    slug, title, summary, body, days_ago, reason = WITHDRAWN
    withdrawn = services.article_create(
        actor=editor, category=columns[slug], title=title, summary=summary, body=body, source=source
    )
    services.article_publish(actor=editor, article=withdrawn)
    services.article_unpublish(actor=editor, article=withdrawn, reason=reason)
    Article.objects.filter(pk=withdrawn.pk).update(
        published_at=_at(days_ago), created_at=_at(days_ago + 1, 16)
    )
