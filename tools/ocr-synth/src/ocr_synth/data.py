"""Believable contents for synthetic documents: people, places, hospitals, banks, money."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ocr_service.ocr.extract.validate import id_check_char

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红鹏辉建国宁志梅琳雪燕思远"
    "浩宇欣怡梓涵子轩博文嘉俊晨阳佳琪雨婷凯旭东海波慧颖婷倩晓峰"
)

# Region code (first six digits of an ID number), its address prefix, its police authority.
REGIONS = (
    ("110105", "北京市朝阳区", "北京市公安局朝阳分局"),
    ("110108", "北京市海淀区", "北京市公安局海淀分局"),
    ("310104", "上海市徐汇区", "上海市公安局徐汇分局"),
    ("440305", "广东省深圳市南山区", "深圳市公安局南山分局"),
    ("440106", "广东省广州市天河区", "广州市公安局天河区分局"),
    ("320106", "江苏省南京市鼓楼区", "南京市公安局鼓楼分局"),
    ("330106", "浙江省杭州市西湖区", "杭州市公安局西湖区分局"),
    ("420106", "湖北省武汉市武昌区", "武汉市公安局武昌区分局"),
    ("510107", "四川省成都市武侯区", "成都市公安局武侯区分局"),
    ("430102", "湖南省长沙市芙蓉区", "长沙市公安局芙蓉分局"),
    ("500103", "重庆市渝中区", "重庆市公安局渝中区分局"),
    ("610113", "陕西省西安市雁塔区", "西安市公安局雁塔分局"),
    ("370102", "山东省济南市历下区", "济南市公安局历下区分局"),
)
STREETS = (
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "科技园南路",
    "天府大道",
    "长江路",
    "和平街",
    "文化路",
    "滨江大道",
    "南京路",
    "东风路",
)
ETHNICITIES = ("汉",) * 8 + ("满", "壮", "回", "苗", "维吾尔", "土家", "彝", "蒙古", "藏", "朝鲜")

HOSPITALS = (
    "北京协和医院",
    "复旦大学附属华山医院",
    "上海交通大学医学院附属瑞金医院",
    "中山大学附属第一医院",
    "四川大学华西医院",
    "浙江大学医学院附属第一医院",
    "武汉大学人民医院",
    "湖南省人民医院",
    "山东省立医院",
    "南京鼓楼医院",
    "西安交通大学第一附属医院",
    "重庆医科大学附属儿童医院",
    "广东省人民医院",
    "首都医科大学附属北京天坛医院",
    "江苏省人民医院",
    "深圳市人民医院",
    "杭州市第一人民医院",
    "成都市第三人民医院",
    "朝阳区双井社区卫生服务中心",
    "青岛大学附属医院",
)
# Institutions of other kinds and places, for the held-out family: every suffix a clinic, health
# centre or hospital of the country may end in.
HELD_OUT_HOSPITALS = (
    "天津市第五中心医院",
    "苏州市吴中区长桥街道社区卫生服务中心",
    "绍兴市柯桥区平水镇卫生院",
    "厦门市妇幼保健院",
    "昆明医科大学第二附属医院",
    "洛阳市中医院",
    "合肥市包河区常青街道社区卫生服务中心",
    "贵阳市云岩区仁心诊所",
    "大连市中山区康宁门诊部",
    "宁波市医疗中心李惠利医院",
    "南宁市第一人民医院",
    "兰州大学第二医院",
    "哈尔滨医科大学附属第四医院",
    "石家庄市桥西区爱尔眼科医院",
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "慕容")

# --- the fourth held-out family's people, places and institutions, none of them in the pools above

HELD_OUT_4_SURNAMES = "聂鲁葛祝阎晏岳邢牛乔柴骆滕童蓝樊翟蒲庞左盛季凌裴詹车房栾缪倪殷柏"
HELD_OUT_4_COMPOUND_SURNAMES = ("令狐", "公孙", "夏侯", "宇文", "端木", "呼延")
HELD_OUT_4_GIVEN = (
    "瑾璐骁昊珂玥铭煜彤蕊晗芮锐睿琛翊筱岚泽晟钰瑶鑫婕航朗歆恺冉沁潇祎悦诺栋毅蓓骏澜珊"
)
HELD_OUT_4_HOSPITALS = (
    "内蒙古医科大学附属医院",
    "新疆医科大学第一附属医院",
    "宁夏医科大学总医院",
    "福建医科大学附属协和医院",
    "泉州市丰泽区东海街道社区卫生服务中心",
    "赣州市南康区唐江镇卫生院",
    "太原市小店区康泰诊所",
    "长春市朝阳区德仁门诊部",
    "温州市妇幼保健院",
    "海口市人民医院",
    "徐州市中心医院",
    "珠海市香洲区拱北医疗中心",
    "遵义医科大学附属医院",
    "烟台毓璜顶医院",
    "大理白族自治州人民医院",
    "扬州市广陵区湾头镇卫生院",
    "襄阳市第一人民医院",
    "岳阳市妇幼保健院",
)
HELD_OUT_4_REGIONS = (
    ("120101", "天津市和平区", "天津市公安局和平分局"),
    ("130102", "河北省石家庄市长安区", "石家庄市公安局长安分局"),
    ("210102", "辽宁省沈阳市和平区", "沈阳市公安局和平分局"),
    ("350203", "福建省厦门市思明区", "厦门市公安局思明分局"),
    ("340104", "安徽省合肥市蜀山区", "合肥市公安局蜀山分局"),
    ("410105", "河南省郑州市金水区", "郑州市公安局金水分局"),
    ("450103", "广西壮族自治区南宁市青秀区", "南宁市公安局青秀分局"),
    ("530102", "云南省昆明市五华区", "昆明市公安局五华分局"),
    ("230103", "黑龙江省哈尔滨市南岗区", "哈尔滨市公安局南岗分局"),
    ("360102", "江西省南昌市东湖区", "南昌市公安局东湖分局"),
    ("620102", "甘肃省兰州市城关区", "兰州市公安局城关分局"),
    ("520102", "贵州省贵阳市南明区", "贵阳市公安局南明分局"),
)
HELD_OUT_4_STREETS = (
    "友谊路",
    "胜利大街",
    "五一路",
    "青年大街",
    "金水路",
    "民族大道",
    "北京东路",
    "湖滨南路",
    "八一大道",
    "黄河西路",
)
HELD_OUT_4_INVOICE_REGIONS = (
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "安徽省",
    "福建省",
    "江西省",
    "河南省",
    "广西",
    "海南省",
    "贵州省",
    "云南省",
    "甘肃省",
    "内蒙古",
    "宁夏",
)


@dataclass(frozen=True, slots=True)
class People:
    """Where a family draws its people, places and institutions from, when it has pools of its
    own."""

    surnames: str
    compound_surnames: tuple[str, ...]
    given: str
    hospitals: tuple[str, ...]
    regions: tuple[tuple[str, str, str], ...]  # as REGIONS
    streets: tuple[str, ...]
    invoice_regions: tuple[str, ...]
    # Chain pharmacies' stores, for families whose claims include receipts for bought drugs.
    pharmacies: tuple[str, ...] = ()
    # Private hospitals and practices, for families that print their own papers.
    private_hospitals: tuple[str, ...] = ()

    def name(self, rng: random.Random) -> str:
        if rng.random() < 0.15:
            surname = rng.choice(self.compound_surnames)
        else:
            surname = rng.choice(self.surnames)
        return surname + "".join(rng.choice(self.given) for _ in range(rng.choice((1, 2, 2))))


HELD_OUT_4_PEOPLE = People(
    HELD_OUT_4_SURNAMES,
    HELD_OUT_4_COMPOUND_SURNAMES,
    HELD_OUT_4_GIVEN,
    HELD_OUT_4_HOSPITALS,
    HELD_OUT_4_REGIONS,
    HELD_OUT_4_STREETS,
    HELD_OUT_4_INVOICE_REGIONS,
)
# --- the fifth held-out family's people, places and institutions, none of them in the pools above

HELD_OUT_5_SURNAMES = (
    "洪包吉钮嵇邬安常乐时傅皮卞齐康伍卜穆萧湛祁禹米贝臧伏谈"
    "茅纪舒屈项阮闵席路娄颜刁霍虞柯管裘宗宣郁杭"
)
HELD_OUT_5_COMPOUND_SURNAMES = ("司徒", "长孙", "南宫", "独孤", "钟离", "闻人")
HELD_OUT_5_GIVEN = (
    "韵甜璇茜蔚菁霖弘彦凡斌舟宸皓霏柔逸薇羽琦楠蕾滢璟晔骞鸣锦珏淼熠旻溪莉桐晴翔晖钧炜昕勋哲婉萱卿岩"
)
HELD_OUT_5_HOSPITALS = (
    "河北医科大学第二医院",
    "山西医科大学第一医院",
    "吉林大学白求恩第一医院",
    "中国医科大学附属盛京医院",
    "郑州大学第一附属医院",
    "安徽医科大学第一附属医院",
    "南昌大学第一附属医院",
    "广西医科大学第一附属医院",
    "海南省人民医院",
    "青海大学附属医院",
    "西藏自治区人民医院",
    "无锡市第二人民医院",
    "嘉兴市第一医院",
    "佛山市南海区桂城街道社区卫生服务中心",
    "惠州市惠城区仁和堂诊所",
    "常州市天宁区益康门诊部",
    "台州市妇幼保健院",
    "乐山市中医医院",
    "柳州市工人医院",
    "衢州市柯城区石室乡卫生院",
)
HELD_OUT_5_REGIONS = (
    ("130602", "河北省保定市竞秀区", "保定市公安局竞秀分局"),
    ("140105", "山西省太原市小店区", "太原市公安局小店分局"),
    ("150102", "内蒙古自治区呼和浩特市新城区", "呼和浩特市公安局新城区分局"),
    ("220104", "吉林省长春市朝阳区", "长春市公安局朝阳分局"),
    ("320205", "江苏省无锡市锡山区", "无锡市公安局锡山分局"),
    ("330402", "浙江省嘉兴市南湖区", "嘉兴市公安局南湖区分局"),
    ("440604", "广东省佛山市禅城区", "佛山市公安局禅城分局"),
    ("460106", "海南省海口市龙华区", "海口市公安局龙华分局"),
    ("630104", "青海省西宁市城西区", "西宁市公安局城西区分局"),
    ("650102", "新疆维吾尔自治区乌鲁木齐市天山区", "乌鲁木齐市公安局天山区分局"),
    ("640104", "宁夏回族自治区银川市兴庆区", "银川市公安局兴庆区分局"),
    ("350102", "福建省福州市鼓楼区", "福州市公安局鼓楼分局"),
)
HELD_OUT_5_STREETS = (
    "新华路",
    "光明街",
    "团结路",
    "工农路",
    "朝阳大街",
    "育才路",
    "学府路",
    "迎宾大道",
    "纬二路",
    "幸福街",
)
HELD_OUT_5_INVOICE_REGIONS = (
    "天津市",
    "北京市",
    "重庆市",
    "青海省",
    "西藏自治区",
    "新疆维吾尔自治区",
    "广西壮族自治区",
    "宁夏回族自治区",
    "内蒙古自治区",
)
HELD_OUT_5_PEOPLE = People(
    HELD_OUT_5_SURNAMES,
    HELD_OUT_5_COMPOUND_SURNAMES,
    HELD_OUT_5_GIVEN,
    HELD_OUT_5_HOSPITALS,
    HELD_OUT_5_REGIONS,
    HELD_OUT_5_STREETS,
    HELD_OUT_5_INVOICE_REGIONS,
)
# --- the sixth held-out family's people, places and institutions, none of them in the pools above

HELD_OUT_6_SURNAMES = (
    "温景甘储焦冉麦申易卫尚符晋牟池寇容连封芮靳井巫谷宁戎司薄印宿怀邰索赖卓蒙党贡姬桑桂"
    "寿边燕冀庄瞿慕茹艾古戈庾居衡耿匡文阙欧师巩晁敖冷辛简饶沙鞠丰巢关查荆游权盖"
)
HELD_OUT_6_COMPOUND_SURNAMES = ("闾丘", "澹台", "公冶", "宗政", "濮阳", "太史")
HELD_OUT_6_GIVEN = (
    "春飞丹玲亮坤诚雅蓉烨瑜露妍娴媛秋冬松柏竹桦森林川洁澄清源涌瀚江洲峻岑崇岳屹岭峥驰腾跃胜捷锋铮钊"
)
HELD_OUT_6_HOSPITALS = (
    "芜湖市第二人民医院",
    "九江市第一人民医院",
    "洛阳市第三人民医院",
    "宜昌市中心人民医院",
    "岳阳市第一人民医院",
    "青岛市市立医院",
    "攀枝花市中心医院",
    "玉溪市人民医院",
    "宝鸡市中心医院",
    "大连医科大学附属第二医院",
    "深圳市罗湖区人民医院",
    "苏州大学附属第二医院",
    "芜湖市镜湖区范罗山街道社区卫生服务中心",
    "九江市濂溪区十里街道社区卫生服务中心",
    "宜昌市西陵区惠民诊所",
    "青岛市市南区康复堂门诊部",
    "宝鸡市渭滨区神农镇卫生院",
    "玉溪市妇幼保健院",
    "攀枝花市东区炳草岗卫生院",
    "洛阳市老城区仁济诊所",
)
HELD_OUT_6_REGIONS = (
    ("340202", "安徽省芜湖市镜湖区", "芜湖市公安局镜湖分局"),
    ("360402", "江西省九江市濂溪区", "九江市公安局濂溪分局"),
    ("410302", "河南省洛阳市老城区", "洛阳市公安局老城分局"),
    ("420502", "湖北省宜昌市西陵区", "宜昌市公安局西陵分局"),
    ("430602", "湖南省岳阳市岳阳楼区", "岳阳市公安局岳阳楼分局"),
    ("370202", "山东省青岛市市南区", "青岛市公安局市南分局"),
    ("510402", "四川省攀枝花市东区", "攀枝花市公安局东区分局"),
    ("530402", "云南省玉溪市红塔区", "玉溪市公安局红塔分局"),
    ("610302", "陕西省宝鸡市渭滨区", "宝鸡市公安局渭滨分局"),
    ("210202", "辽宁省大连市中山区", "大连市公安局中山分局"),
    ("440303", "广东省深圳市罗湖区", "深圳市公安局罗湖分局"),
    ("320506", "江苏省苏州市吴中区", "苏州市公安局吴中分局"),
)
HELD_OUT_6_STREETS = (
    "青年路",
    "建国路",
    "红旗路",
    "复兴路",
    "环城东路",
    "振兴大街",
    "滨河路",
    "解放大道",
    "劳动路",
    "南湖大道",
)
# Short names, as some provinces' older forms print them.
HELD_OUT_6_INVOICE_REGIONS = ("天津", "西藏", "青海", "新疆", "河北", "辽宁", "福建", "江西")
HELD_OUT_6_PEOPLE = People(
    HELD_OUT_6_SURNAMES,
    HELD_OUT_6_COMPOUND_SURNAMES,
    HELD_OUT_6_GIVEN,
    HELD_OUT_6_HOSPITALS,
    HELD_OUT_6_REGIONS,
    HELD_OUT_6_STREETS,
    HELD_OUT_6_INVOICE_REGIONS,
)
# --- the seventh held-out family's people, places and institutions, none of them in the pools above

HELD_OUT_7_SURNAMES = (
    "毕郎苗花俞柳鲍费廉岑元平狄明计成麻强危梅支经解应单滑荣翁荀惠甄曲家汲糜松富乌巴牧山全班"
    "仰秋仲伊宫仇暴厉祖束幸韶郜鄂蔺屠胥苍双闻劳逄扶堵郦雍浦农习鱼慎暨步都满弘国广禄东蔚越隆"
)
HELD_OUT_7_COMPOUND_SURNAMES = ("申屠", "赫连", "轩辕", "东郭", "西门", "梁丘")
HELD_OUT_7_GIVEN = (
    "曦若依墨然语梦紫诗芷可馨安天佑豪程永金凤美淑珍宏振立新卫德庆丰学世忠良福生保长青耀润荣"
)
# Prefecture-level cities' hospitals, health centres, township clinics and private practices.
HELD_OUT_7_HOSPITALS = (
    "淄博市中心医院",
    "潍坊市人民医院",
    "绵阳市中心医院",
    "南通大学附属医院",
    "株洲市中心医院",
    "汕头大学医学院第一附属医院",
    "桂林医学院附属医院",
    "包头医学院第一附属医院",
    "邯郸市中心医院",
    "金华市中心医院",
    "十堰市太和医院",
    "漳州市医院",
    "齐齐哈尔市第一医院",
    "天水市第一人民医院",
    "淄博市张店区车站街道社区卫生服务中心",
    "潍坊市奎文区广文街道社区卫生服务中心",
    "金华市婺城区罗店镇卫生院",
    "株洲市荷塘区仁和诊所",
    "绵阳市涪城区康健门诊部",
    "汕头市妇幼保健院",
    "桂林市中医医院",
)
HELD_OUT_7_REGIONS = (
    ("370303", "山东省淄博市张店区", "淄博市公安局张店分局"),
    ("370705", "山东省潍坊市奎文区", "潍坊市公安局奎文分局"),
    ("510703", "四川省绵阳市涪城区", "绵阳市公安局涪城区分局"),
    ("320602", "江苏省南通市崇川区", "南通市公安局崇川分局"),
    ("430202", "湖南省株洲市荷塘区", "株洲市公安局荷塘分局"),
    ("440511", "广东省汕头市金平区", "汕头市公安局金平分局"),
    ("450302", "广西壮族自治区桂林市秀峰区", "桂林市公安局秀峰分局"),
    ("150203", "内蒙古自治区包头市昆都仑区", "包头市公安局昆都仑区分局"),
    ("130403", "河北省邯郸市丛台区", "邯郸市公安局丛台分局"),
    ("330702", "浙江省金华市婺城区", "金华市公安局婺城分局"),
    ("420302", "湖北省十堰市茅箭区", "十堰市公安局茅箭分局"),
    ("350602", "福建省漳州市芗城区", "漳州市公安局芗城分局"),
    ("230202", "黑龙江省齐齐哈尔市龙沙区", "齐齐哈尔市公安局龙沙分局"),
    ("620502", "甘肃省天水市秦州区", "天水市公安局秦州分局"),
)
HELD_OUT_7_STREETS = (
    "共青团路",
    "胜利东街",
    "临园路",
    "站前路",
    "体育场路",
    "府前街",
    "民主路",
    "长征路",
    "跃进路",
    "花园路",
)
# Cities, as insurance is pooled and settled city by city: titles of settlement slips and of
# city-printed receipts name the city.
HELD_OUT_7_INVOICE_REGIONS = (
    "淄博市",
    "潍坊市",
    "绵阳市",
    "南通市",
    "株洲市",
    "汕头市",
    "桂林市",
    "包头市",
    "邯郸市",
    "金华市",
)
HELD_OUT_7_PEOPLE = People(
    HELD_OUT_7_SURNAMES,
    HELD_OUT_7_COMPOUND_SURNAMES,
    HELD_OUT_7_GIVEN,
    HELD_OUT_7_HOSPITALS,
    HELD_OUT_7_REGIONS,
    HELD_OUT_7_STREETS,
    HELD_OUT_7_INVOICE_REGIONS,
)
# --- the eighth held-out family's people, places and institutions, none of them in the pools above

HELD_OUT_8_SURNAMES = (
    "褚尤施华戚喻章云昌凤和干诸羊羿弓宓蓬郗蓟从籍宰濮通扈郏别充宦殳沃利厍勾阚那须蒯相竺逯益桓"
)
HELD_OUT_8_COMPOUND_SURNAMES = ("司空", "百里", "左丘", "第五", "拓跋", "公羊")
HELD_OUT_8_GIVEN = (
    "佩雯婧姝娅妮莹瑛琼蕙翠萌嫣姗巧莎彩菊芝岗山石龙虎彪雄武宪章政邦家民泰顺利康健寿喜乐欢颜"
    "容光照朝月星辰乾懿颂谦恭敬信仁义礼智廉勤俭朴淳厚善贤才伦"
)
# County-level cities' hospitals, traditional Chinese medicine hospitals, a health centre and a
# township hospital.
HELD_OUT_8_HOSPITALS = (
    "义乌市中心医院",
    "昆山市第一人民医院",
    "晋江市医院",
    "慈溪市人民医院",
    "张家港市第一人民医院",
    "寿光市人民医院",
    "神木市医院",
    "延边大学附属医院",
    "巴音郭楞蒙古自治州人民医院",
    "都江堰市人民医院",
    "格尔木市人民医院",
    "西双版纳傣族自治州人民医院",
    "仙桃市第一人民医院",
    "昆山市中医医院",
    "慈溪市中医医院",
    "义乌市中医医院",
    "晋江市青阳街道社区卫生服务中心",
    "都江堰市青城山镇卫生院",
)
# Private general hospitals of the same cities: their receipts word the patient a client, and
# their certificates are printed in Chinese and English. (Dental and eye practices are left out:
# the diagnoses the papers carry are a general hospital's.)
HELD_OUT_8_PRIVATE_HOSPITALS = (
    "张家港澳洋医院",
    "昆山宗仁卿纪念医院",
    "义乌复元私立医院",
    "慈溪明州医院",
)
HELD_OUT_8_REGIONS = (
    ("330782", "浙江省义乌市", "义乌市公安局"),
    ("320583", "江苏省昆山市", "昆山市公安局"),
    ("350582", "福建省晋江市", "晋江市公安局"),
    ("330282", "浙江省慈溪市", "慈溪市公安局"),
    ("320582", "江苏省张家港市", "张家港市公安局"),
    ("370783", "山东省寿光市", "寿光市公安局"),
    ("610881", "陕西省神木市", "神木市公安局"),
    ("222401", "吉林省延边朝鲜族自治州延吉市", "延吉市公安局"),
    ("652801", "新疆维吾尔自治区巴音郭楞蒙古自治州库尔勒市", "库尔勒市公安局"),
    ("510181", "四川省都江堰市", "都江堰市公安局"),
    ("632801", "青海省海西蒙古族藏族自治州格尔木市", "格尔木市公安局"),
    ("532801", "云南省西双版纳傣族自治州景洪市", "景洪市公安局"),
    ("429004", "湖北省仙桃市", "仙桃市公安局"),
)
HELD_OUT_8_STREETS = (
    "宾王路",
    "前进中路",
    "世纪大道",
    "三北大街",
    "农圣街",
    "麟州街",
    "局子街",
    "萨依巴格路",
    "蒲阳路",
    "昆仑路",
    "勐泐大道",
)
HELD_OUT_8_INVOICE_REGIONS = (
    "义乌市",
    "昆山市",
    "晋江市",
    "慈溪市",
    "张家港市",
    "寿光市",
    "神木市",
    "延吉市",
    "库尔勒市",
    "都江堰市",
)
# Chain pharmacies' stores in those cities, where out-patients buy what a doctor prescribed.
HELD_OUT_8_PHARMACIES = (
    "益丰大药房昆山前进店",
    "老百姓大药房义乌宾王店",
    "一心堂景洪勐泐大道店",
    "海王星辰晋江青阳店",
    "国大药房慈溪三北店",
    "漱玉平民大药房寿光农圣店",
    "大参林张家港杨舍店",
    "老百姓大药房仙桃钱沟路店",
)
HELD_OUT_8_PEOPLE = People(
    HELD_OUT_8_SURNAMES,
    HELD_OUT_8_COMPOUND_SURNAMES,
    HELD_OUT_8_GIVEN,
    HELD_OUT_8_HOSPITALS,
    HELD_OUT_8_REGIONS,
    HELD_OUT_8_STREETS,
    HELD_OUT_8_INVOICE_REGIONS,
    HELD_OUT_8_PHARMACIES,
    HELD_OUT_8_PRIVATE_HOSPITALS,
)
# --- the ninth held-out family's people, places and institutions, none of them in the pools above

# Surnames common in Guangdong and Hainan (邝, 冼, 区, 练, 植) among rarer ones of the north.
HELD_OUT_9_SURNAMES = "邝冼区练植楚涂钦归帅况佘谯笪佟言代粟揭原仝但敬矫丘栗邸奚"
HELD_OUT_9_COMPOUND_SURNAMES = ("鲜于", "万俟", "乐正", "巫马", "仲孙")
HELD_OUT_9_GIVEN = (
    "元中兴之云京亭仕仪伊佐修俏先克兆典凌凝劲勉卓南友吉启咏唯坚培奇奕如妙威孝季宗定宜宝宽尧"
    "展帆希庭征念恒恩惠承斐旦昌昭景晶曙曼朋杉枫柯栩格楷榕樱汉沐泉洛洪"
)
# Prefecture-level cities' hospitals, hospitals of state enterprises (a coal mine's, a
# petrochemical works', a forestry bureau's), and traditional Chinese medicine hospitals.
HELD_OUT_9_HOSPITALS = (
    "江门市中心医院",
    "湛江中心人民医院",
    "广东医科大学附属医院",
    "梅州市人民医院",
    "肇庆市第一人民医院",
    "三亚市人民医院",
    "唐山市工人医院",
    "开滦总医院",
    "大同市第三人民医院",
    "牡丹江医学院附属红旗医院",
    "牡丹江林业中心医院",
    "盐城市第一人民医院",
    "湖州市中心医院",
    "安庆市立医院",
    "安庆石化医院",
    "上饶市人民医院",
    "川北医学院附属医院",
    "曲靖市第一人民医院",
    "重庆大学附属三峡医院",
    "江门市五邑中医院",
    "湖州市中医院",
    "南充市中医医院",
    "梅州市中医医院",
)
# Private clinics and out-patient departments of the same cities, which print their own receipts.
HELD_OUT_9_PRIVATE_HOSPITALS = (
    "江门市蓬江区和平诊所",
    "湛江市赤坎区仁爱门诊部",
    "三亚市吉阳区康民诊所",
    "盐城市亭湖区益民中医诊所",
    "湖州市吴兴区博爱门诊部",
    "唐山市路北区同济门诊部",
    "曲靖市麒麟区惠生诊所",
)
HELD_OUT_9_REGIONS = (
    ("440703", "广东省江门市蓬江区", "江门市公安局蓬江分局"),
    ("440802", "广东省湛江市赤坎区", "湛江市公安局赤坎分局"),
    ("441402", "广东省梅州市梅江区", "梅州市公安局梅江分局"),
    ("441202", "广东省肇庆市端州区", "肇庆市公安局端州分局"),
    ("460203", "海南省三亚市吉阳区", "三亚市公安局吉阳分局"),
    ("130203", "河北省唐山市路北区", "唐山市公安局路北分局"),
    ("140213", "山西省大同市平城区", "大同市公安局平城分局"),
    ("231002", "黑龙江省牡丹江市东安区", "牡丹江市公安局东安分局"),
    ("320902", "江苏省盐城市亭湖区", "盐城市公安局亭湖分局"),
    ("330502", "浙江省湖州市吴兴区", "湖州市公安局吴兴分局"),
    ("340802", "安徽省安庆市迎江区", "安庆市公安局迎江分局"),
    ("361102", "江西省上饶市信州区", "上饶市公安局信州分局"),
    ("511302", "四川省南充市顺庆区", "南充市公安局顺庆区分局"),
    ("530302", "云南省曲靖市麒麟区", "曲靖市公安局麒麟分局"),
    ("500101", "重庆市万州区", "重庆市公安局万州区分局"),
)
HELD_OUT_9_STREETS = (
    "港口一路",
    "海滨大道",
    "天宁北路",
    "迎宾路",
    "新华道",
    "魏都大道",
    "太平路",
    "开放大道",
    "苕溪西路",
    "湖心路",
    "五三大道",
    "麒麟南路",
)
HELD_OUT_9_INVOICE_REGIONS = (
    "江门市",
    "湛江市",
    "梅州市",
    "肇庆市",
    "三亚市",
    "唐山市",
    "大同市",
    "牡丹江市",
    "盐城市",
    "湖州市",
    "安庆市",
    "上饶市",
    "南充市",
    "曲靖市",
)
HELD_OUT_9_PEOPLE = People(
    HELD_OUT_9_SURNAMES,
    HELD_OUT_9_COMPOUND_SURNAMES,
    HELD_OUT_9_GIVEN,
    HELD_OUT_9_HOSPITALS,
    HELD_OUT_9_REGIONS,
    HELD_OUT_9_STREETS,
    HELD_OUT_9_INVOICE_REGIONS,
    private_hospitals=HELD_OUT_9_PRIVATE_HOSPITALS,
)
# Invoice titles name the province or municipality whose format the invoice follows.
INVOICE_REGIONS = (
    "北京",
    "上海",
    "上海市",
    "广东省",
    "四川省",
    "浙江省",
    "江苏省",
    "湖北省",
    "湖南省",
    "山东省",
    "重庆",
    "陕西省",
)
# What a pharmacy's till slip lists: drugs by their generic names and forms.
PHARMACY_ITEMS = (
    "阿莫西林胶囊",
    "布洛芬缓释胶囊",
    "蒙脱石散",
    "氯雷他定片",
    "奥美拉唑肠溶胶囊",
    "头孢克肟分散片",
    "硝苯地平控释片",
    "二甲双胍缓释片",
    "复方甘草口服溶液",
    "连花清瘟胶囊",
    "阿托伐他汀钙片",
    "左氧氟沙星滴眼液",
)
INVOICE_ITEMS = (
    "西药费",
    "中成药费",
    "中草药费",
    "检查费",
    "化验费",
    "治疗费",
    "手术费",
    "诊察费",
    "护理费",
    "床位费",
    "卫生材料费",
    "放射费",
    "输血费",
)
DEPARTMENTS = (
    "内科",
    "外科",
    "急诊科",
    "骨科",
    "儿科",
    "妇产科",
    "呼吸内科",
    "消化内科",
    "心血管内科",
    "皮肤科",
    "眼科",
    "神经内科",
)
DIAGNOSES = (
    "急性上呼吸道感染",
    "急性阑尾炎",
    "支气管哮喘",
    "过敏性皮炎",
    "胃恶性肿瘤",
    "2型糖尿病",
    "原发性高血压",
    "社区获得性肺炎",
    "腰椎间盘突出症",
    "急性胃肠炎",
    "右桡骨远端骨折",
    "冠状动脉粥样硬化性心脏病",
    "慢性阻塞性肺疾病",
    "胆囊结石伴胆囊炎",
    "脑梗死",
    "甲状腺结节",
)
ADVICE = (
    "注意饮食，按时服药，不适随诊。",
    "休息一周，避免剧烈运动。",
    "定期复查，遵医嘱用药。",
    "低盐低脂饮食，监测血压。",
)


@dataclass(frozen=True, slots=True)
class Bank:
    name: str
    bin: str  # issuer identification number: the first six digits
    length: int
    colour: tuple[int, int, int]  # RGB of the card face


BANKS = (
    Bank("中国银行", "621661", 19, (150, 30, 40)),
    Bank("中国建设银行", "621700", 19, (20, 110, 80)),
    Bank("中国工商银行", "622202", 19, (170, 25, 35)),
    Bank("中国农业银行", "622848", 19, (0, 120, 100)),
    Bank("招商银行", "621483", 16, (180, 30, 40)),
    Bank("兴业银行", "622908", 16, (30, 70, 140)),
    Bank("交通银行", "622262", 19, (20, 50, 120)),
    Bank("中国邮政储蓄银行", "621799", 19, (0, 100, 60)),
    Bank("平安银行", "622155", 16, (220, 90, 30)),
    Bank("中信银行", "622690", 16, (160, 20, 40)),
)


def person_name(rng: random.Random, *, held_out: bool = False) -> str:
    if held_out and rng.random() < 0.3:
        return rng.choice(COMPOUND_SURNAMES) + "".join(
            rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))
        )
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def id_number(rng: random.Random, region: str, born: date, male: bool) -> str:
    sequence = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def luhn_complete(prefix: str) -> str:
    """The prefix with the check digit that makes it pass the Luhn test."""
    total = 0
    for position, char in enumerate(reversed(prefix)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return prefix + str((10 - total % 10) % 10)


def card_number(rng: random.Random, bank: Bank) -> str:
    body = bank.bin + "".join(
        str(rng.randrange(10)) for _ in range(bank.length - len(bank.bin) - 1)
    )
    return luhn_complete(body)


_CN_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CN_UNITS = ("", "拾", "佰", "仟")


def amount_in_words(value: Decimal) -> str:
    """Capital numerals as invoices print them: 4092.38 → 肆仟零玖拾贰元叁角捌分 (below 1 亿)."""
    cents = int((value * 100).to_integral_value())
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10

    def below_10000(number: int) -> str:
        out, zero = "", False
        for power in range(3, -1, -1):
            digit = number // 10**power % 10
            if digit:
                if zero and out:
                    out += "零"
                out += _CN_DIGITS[digit] + _CN_UNITS[power]
                zero = False
            else:
                zero = True
        return out

    words = ""
    if yuan >= 10_000:
        words = below_10000(yuan // 10_000) + "万"
        if yuan % 10_000 and yuan % 10_000 < 1000:
            words += "零"
    words += below_10000(yuan % 10_000) if yuan else "零"
    words += "元"
    if not jiao and not fen:
        return words + "整"
    words += f"{_CN_DIGITS[jiao]}角" if jiao else "零"
    return words + (f"{_CN_DIGITS[fen]}分" if fen else "")
