"""The demo's standards and codes of conduct (亮标准, R8): county-wide, in force, the code of conduct for
leading cadres outside working hours (the plan's four circles, section 四) and the grid supervision
standard (section 六), the latter in its second version with the first kept as history; the showcase
township's (长寨街道, of 和平社区第1网格) own code for public-welfare activities; and one county draft
that the public never sees.

Every step goes through the services, as the county and township staff would take them; the dates are
moved back afterwards so the history reads like real use. No random draw: the rest of the demo stays as
it was."""

import datetime

from django.utils import timezone

CODE_OF_CONDUCT = "领导干部八小时以外行为规范"
CODE_OF_CONDUCT_TEXT = """\
为加强领导干部“八小时”以外监督管理，推动领导干部在社交圈、生活圈、家庭圈、公益圈自觉接受组织监督、群众监督、舆论监督和家庭监督，根据县委关于加强领导干部作风建设的部署，制定本规范。本规范适用于全县各级领导干部在工作时间以外的言行。

## 一、社交圈

1. 严守政治纪律和组织纪律，不发表、不传播有损党和政府形象的言论；
2. 严守党和国家秘密，不在社交场合谈论涉密事项；
3. 不参加传销、邪教组织和封建迷信等国家明令禁止的活动；
4. 遇到社会不良现象敢于制止，伸张正义。

## 二、生活圈

1. 不搞“小圈子”，不与社会上的不法分子交往；
2. 坚持党性原则，不媚上压下，自觉抵制腐败现象的侵蚀；
3. 不接受可能影响公正执行公务的宴请，不用公款支付酒店、歌舞厅等吃喝玩乐费用；
4. 远离黄、赌、毒，养成健康文明的生活习惯。

## 三、家庭圈

1. 孝敬父母，家庭和睦，对配偶、子女和亲属严格教育、严格管理；
2. 不对身边工作人员、亲朋好友提出过分要求；
3. 不让亲属影响工作决策，不因私情丧失原则。

## 四、公益圈

1. 带头参加社区组织的各类公益活动；
2. 积极配合社区工作人员开展入户调查、宣传、服务等工作；
3. 遵守公共秩序，爱护公共设施，维护社会治安和环境卫生，倡导文明新风；
4. 发挥表率作用，积极向社区党组织建言献策，维护社区集体利益。

## 五、监督与处理

群众发现领导干部有违反本规范行为的，可以向网格监督员、社区党组织反映，也可以通过监督信箱、监督电话举报，可以不署名。经核实存在作风方面突出问题的，按照网格化管理预警机制以书面形式预警示警。
"""

GRID_STANDARD = "社区网格监督工作标准"
GRID_STANDARD_V1 = """\
本标准规定社区网格监督小组对领导干部“八小时”以外表现开展监督的内容、方式和报送要求。

## 一、监督小组

每个网格成立监督小组，组长由网格长兼任，副组长一名由驻在网格的干部担任，配备监督员1至5名。

## 二、监督内容

对照《领导干部八小时以外行为规范》，围绕社交圈、生活圈、家庭圈、公益圈，了解领导干部在社区网格的生活作风、家庭关系、邻里关系、遵守社会公德和参加社区公益活动等情况。

## 三、监督方式

1. 定期走访网格内居民，记录民情日记；
2. 填写《领导干部社区网格表现情况监督卡》；
3. 在干部监督工作登记册中记载领导干部在网格的表现。

## 四、信息报送

乡镇（街道）纪委每月向县纪委报送《社区网格干部监督信息报告表》。
"""
GRID_STANDARD_V2 = """\
本标准规定社区网格监督小组对领导干部“八小时”以外表现开展监督的内容、频次和报送要求。

## 一、监督小组

每个网格成立监督小组，组长由网格长兼任，副组长一名由驻在网格的干部担任，配备监督员1至5名。县纪委班子成员按照分工联系对应乡镇（街道）和网格，检查指导工作开展情况。

## 二、监督内容

对照《领导干部八小时以外行为规范》，围绕社交圈、生活圈、家庭圈、公益圈，了解领导干部在社区网格的生活作风、家庭关系、邻里关系、遵守社会公德和参加社区公益活动等情况，以及群众对领导干部的评价。

## 三、监督方式和频次

| 工作事项 | 频次 | 责任人 |
|---|---|---|
| 走访网格内居民，记录民情日记 | 每月不少于2次 | 网格长、监督员 |
| 填写《领导干部社区网格表现情况监督卡》 | 每名干部每月1次 | 监督员 |
| 记载干部监督工作登记册 | 随时记载 | 社区党组织 |
| 召开网格干部廉情分析会 | 每季度1次 | 领导小组办公室 |

## 四、信息报送

1. 监督员每月收集领导干部网格表现信息，报社区党组织；
2. 乡镇（街道）纪委于**每月5日前**向县纪委报送《社区网格干部监督信息报告表》；
3. 发现领导干部作风方面的重要事项，**随时报送**，不得迟报、漏报、瞒报。

## 五、工作纪律

监督小组成员应当实事求是、客观公正，对反映人的信息严格保密；与被监督的领导干部存在亲属关系或者其他利害关系的，应当回避。
"""
GRID_STANDARD_CHANGE = (
    "明确走访、监督卡和廉情分析会的频次；信息月报于每月5日前报送；增加重要事项随时报送和回避要求。"
)

TOWNSHIP_CODE = "长寨街道领导干部参与社区公益活动规范"
TOWNSHIP_CODE_TEXT = """\
根据县《领导干部八小时以外行为规范》“公益圈”的要求，结合长寨街道各社区实际，制定本规范。

## 一、参加活动

1. 居住在街道各社区的领导干部，每季度参加所在社区组织的志愿服务或公益活动不少于1次；
2. 社区开展环境卫生整治、文明创建、政策宣传等集中活动时，领导干部应当带头参加；
3. 因公不能参加的，事先向社区党组织说明。

## 二、登记与公示

社区党组织建立领导干部参加公益活动登记台账，每半年在网格公开栏公示一次参加情况，并作为年底民主测评的参考。
"""

DRAFT_TITLE = "领导干部操办婚丧喜庆事宜行为规范"
DRAFT_TEXT = """\
（征求意见稿）

## 一、事前报告

领导干部本人及其子女操办婚嫁事宜，应当在举办前向所在单位党组织和所在社区网格监督小组报告。

## 二、规模控制

不得借机敛财，不得邀请管理和服务对象参加，宴请规模控制在规定范围以内。
"""


def _at(value):
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time(9, 30)))


def _backdate(standard, *, published_on, ended_on=None):
    from ..models import Standard

    Standard.objects.filter(pk=standard.pk).update(
        created_at=_at(published_on - datetime.timedelta(days=7)),
        published_at=_at(published_on),
        ended_at=_at(ended_on) if ended_on else None,
    )


def seed(gen):
    from gridwatch.core.demo.generator import SHOWCASE_GRID
    from gridwatch.geography.models import Area, Level

    from ..models import StandardKind
    from . import services

    county = Area.objects.get(level=Level.COUNTY)
    township = Area.objects.get(code=SHOWCASE_GRID).parent.parent
    county_staff = gen.users["county_staff"]
    township_staff = gen.users.get("cz_jiwei") or county_staff
    today = timezone.localdate()
    first_issue = today - datetime.timedelta(days=430)
    revision = today - datetime.timedelta(days=60)

    code = services.standard_create(
        actor=county_staff,
        title=CODE_OF_CONDUCT,
        kind=StandardKind.CODE,
        area=county,
        body=CODE_OF_CONDUCT_TEXT,
        position=1,
    )
    services.standard_publish(actor=county_staff, standard=code)
    _backdate(code, published_on=first_issue)

    v1 = services.standard_create(
        actor=county_staff,
        title=GRID_STANDARD,
        kind=StandardKind.STANDARD,
        area=county,
        body=GRID_STANDARD_V1,
        position=1,
    )
    services.standard_publish(actor=county_staff, standard=v1)
    v2 = services.standard_new_version(
        actor=county_staff,
        standard=v1,
        title=GRID_STANDARD,
        kind=StandardKind.STANDARD,
        area=county,
        body=GRID_STANDARD_V2,
        change_note=GRID_STANDARD_CHANGE,
        position=1,
    )
    services.standard_publish(actor=county_staff, standard=v2)
    _backdate(v1, published_on=first_issue, ended_on=revision)
    _backdate(v2, published_on=revision)

    own = services.standard_create(
        actor=township_staff,
        title=TOWNSHIP_CODE,
        kind=StandardKind.CODE,
        area=township,
        body=TOWNSHIP_CODE_TEXT,
        position=1,
    )
    services.standard_publish(actor=township_staff, standard=own)
    _backdate(own, published_on=today - datetime.timedelta(days=200))

    services.standard_create(
        actor=county_staff,
        title=DRAFT_TITLE,
        kind=StandardKind.CODE,
        area=county,
        body=DRAFT_TEXT,
        position=2,
    )
    gen.out("standards: 3 in force (one in its second version), 1 draft")
