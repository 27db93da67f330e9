"""Plausible synthetic Chinese names: surnames weighted by frequency (national, with the surnames common
among 长顺县's Bouyei and Miao families weighted up), given names of one or two characters."""

# (surname, weight): roughly the national ranking, plus 罗 龙 韦 班 岑 蒙 石 潘 陆 吴 as in southern Guizhou.
SURNAMES = [
    ("王", 72),
    ("李", 70),
    ("张", 64),
    ("刘", 52),
    ("陈", 50),
    ("杨", 42),
    ("罗", 30),
    ("吴", 26),
    ("黄", 24),
    ("赵", 20),
    ("周", 18),
    ("龙", 16),
    ("韦", 16),
    ("徐", 14),
    ("孙", 13),
    ("胡", 12),
    ("朱", 12),
    ("高", 11),
    ("何", 11),
    ("郭", 11),
    ("马", 10),
    ("林", 9),
    ("石", 9),
    ("潘", 9),
    ("梁", 8),
    ("宋", 7),
    ("郑", 7),
    ("谢", 7),
    ("唐", 7),
    ("韩", 6),
    ("冯", 6),
    ("邓", 6),
    ("曹", 6),
    ("彭", 6),
    ("曾", 5),
    ("田", 6),
    ("肖", 5),
    ("袁", 5),
    ("蒋", 5),
    ("蔡", 5),
    ("余", 5),
    ("杜", 5),
    ("叶", 5),
    ("程", 5),
    ("魏", 4),
    ("吕", 4),
    ("丁", 4),
    ("任", 4),
    ("姚", 4),
    ("卢", 4),
    ("陆", 5),
    ("班", 4),
    ("岑", 3),
    ("蒙", 4),
    ("莫", 3),
    ("金", 3),
    ("熊", 3),
    ("雷", 3),
    ("付", 3),
    ("廖", 3),
    ("谭", 3),
    ("贺", 3),
    ("邹", 3),
    ("汪", 3),
    ("文", 3),
    ("向", 2),
    ("覃", 2),
    ("戴", 2),
    ("夏", 2),
    ("钟", 2),
    ("万", 2),
    ("严", 2),
    ("孔", 2),
    ("秦", 2),
    ("邱", 2),
    ("江", 2),
    ("尹", 2),
    ("黎", 2),
]

MALE_CHARS = (
    "伟 强 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 波 磊 林 峰 建 国 文 兵 亮 海 东 志 宏 俊 "
    "学 庆 忠 成 荣 祥 贵 富 江 洪 武 智 坤 毅 松".split()
)
FEMALE_CHARS = (
    "芳 娜 敏 静 丽 艳 娟 霞 燕 玲 桂 英 红 梅 兰 琴 云 莉 萍 婷 雪 慧 秀 凤 洁 丹 颖 倩 琳 "
    "佳 欣 晓 春 月 蓉 玉 珍 莹".split()
)
COMMON_CHARS = "永 德 光 家 天 正 思 金 世 开 朝 顺 远 应 如 定 兴 安 昌 仕 启 廷".split()

# Combinations that would name a well-known person; the generator never hands them out.
FAMOUS = {
    "李娜",
    "王菲",
    "刘翔",
    "姚明",
    "成龙",
    "李白",
    "杜甫",
    "王杰",
    "周迅",
    "张杰",
    "李宁",
    "王力宏",
    "刘德华",
    "张学友",
    "黄磊",
    "孙俪",
    "赵薇",
    "李连杰",
    "杨洋",
    "王宏",
    "周杰",
    "李明",
    "杨利伟",
    "陈红",
    "王刚",
    "李勇",
    "张强",
    "刘涛",
    "朱军",
    "周涛",
    "王明",
    "陈明",
    "张华",
    "李强",
    "王晶",
    "李静",
    "何炅",
}


def make_picker(rng):
    surnames = [s for s, _ in SURNAMES]
    weights = [w for _, w in SURNAMES]
    used = set()

    def pick(gender):
        pool = MALE_CHARS if gender == "male" else FEMALE_CHARS
        for _ in range(1000):
            surname = rng.choices(surnames, weights)[0]
            if rng.random() < 0.18:
                given = rng.choice(pool)
            else:
                first = rng.choice(COMMON_CHARS + pool) if rng.random() < 0.5 else rng.choice(pool)
                second = rng.choice(pool)
                if first == second:
                    continue
                given = first + second
            name = surname + given
            if name not in used and name not in FAMOUS:
                used.add(name)
                return name
        raise RuntimeError("ran out of names")

    return pick
