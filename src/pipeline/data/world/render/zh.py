"""Chinese (simplified) templates of the synthetic world, with measure words (tables: ``render/base.py``)."""

from __future__ import annotations

from pipeline.data.world.render.base import Family, Kinds, Language, Spec, Step, Words, friend_acted_last

NAMES = {
    "f": ("小红", "小丽", "小芳", "小雪", "小燕", "李娜", "王静", "张敏", "陈晨", "赵雅"),
    "m": ("小明", "小刚", "小军", "小华", "小强", "李雷", "王伟", "张涛", "刘洋", "陈杰"),
}
PRONOUNS = {"f": "她", "m": "他"}
OBJECTS = {  # noun, measure word
    "apple": ("苹果", "个"), "stamp": ("邮票", "张"), "pencil": ("铅笔", "支"),
    "shell": ("贝壳", "个"), "marble": ("弹珠", "颗"), "sticker": ("贴纸", "张"),
}
SHOP_ITEMS = {"book": "书", "toy": "玩具", "hat": "帽子", "ball": "球", "kite": "风筝"}
DAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def person(who: list) -> Words:
    """``name`` and pronoun ``she`` (她/他) of a person."""
    return {"name": NAMES[who[0]][who[1]], "she": PRONOUNS[who[0]]}


def thing(key: str) -> Words:
    """``noun`` and measure word ``mw`` of an object (``苹果``, ``个``)."""
    noun, mw = OBJECTS[key]
    return {"noun": noun, "mw": mw}


SHOPPING = Family(
    question=["{name}有{start}元钱。"],
    solution=["{name}开始时有{start}元钱。"],
    steps={
        "+1": "阿姨给了{she}{k}元",
        "+": ("{she}做家务赚了{k}元。", "{she}赚了{k}元：{eq}。"),
        "-": ("{she}花{k}元买了{item}。", "{she}买{item}花了{k}元：{eq}。"),
        "*": ("奶奶又给了{she}和{she}现有的一样多的钱。", "{she}的钱变成原来的{k}倍：{eq}。"),
    },
    final="{name}现在有多少元钱？",
)


def collecting_step(spec: Spec, step: Step) -> Words:
    """``subj``: the person's name after the friend acted, else the pronoun."""
    me = person(spec["person"])
    return {"subj": me["name"] if friend_acted_last(spec, step) else me["she"]}


COLLECTING = Family(
    step_words=collecting_step,
    question=["{name}和{friend}是朋友。", "{name}有{start}{mw}{noun}。"],
    solution=["{name}开始时有{start}{mw}{noun}。"],
    steps={
        "+1": ("{friend}送给{subj}{k}{mw}{noun}。", "{friend}送给{subj}{k}{mw}：{eq}。"),
        "+": ("{subj}又找到了{k}{mw}{noun}。", "{subj}又找到{k}{mw}：{eq}。"),
        "-1": ("{subj}弄丢了{k}{mw}{noun}。", "{subj}弄丢了{k}{mw}：{eq}。"),
        "-": ("{subj}送给{friend}{k}{mw}{noun}。", "{subj}送给{friend}{k}{mw}：{eq}。"),
        "*": ("后来，{subj}的{noun}变成了原来的{k}倍。", "{noun}变成原来的{k}倍：{eq}。"),
    },
    final="{name}最后有多少{mw}{noun}？",
)

SHARING = Family(
    steps={
        "*": ("{name}有{start}个盒子，每个盒子里有{k}{mw}{noun}。", "{start}个盒子，每个盒子里有{k}{mw}{noun}：{eq}。"),
        "+1": ("老师又拿来了{k}{mw}{noun}。", "老师又拿来{k}{mw}：{eq}。"),
        "-1": ("{she}弄丢了{k}{mw}{noun}。", "{she}弄丢了{k}{mw}：{eq}。"),
        "+": ("{she}又放进了{k}{mw}{noun}。", "{she}又放进{k}{mw}：{eq}。"),
        "-": ("{she}拿出了{k}{mw}{noun}。", "{she}拿出{k}{mw}：{eq}。"),
        "/": ("{she}把所有的{noun}平均分给{k}个孩子。", "平均分给{k}个孩子：{eq}。"),
    },
    final={"/": "每个孩子分到多少{mw}{noun}？", "": "{name}现在一共有多少{mw}{noun}？"},
)

TRAVEL = Family(
    question=["{first_day}，{name}骑自行车骑了{start}公里。"],
    solution=["{first_day}{name}骑了{start}公里。"],
    steps={
        "+": ("{day}{she}比{prev}多骑了{k}公里。", "{day}多骑了{k}公里：{eq}。"),
        "-": ("{day}{she}比{prev}少骑了{k}公里。", "{day}少骑了{k}公里：{eq}。"),
        "*": ("{day}{she}骑的路程是{prev}的{k}倍。", "{day}骑的路程是{prev}的{k}倍：{eq}。"),
        "/": ("{day}{she}骑的路程是{prev}的一半。", "{day}骑的路程是{prev}的一半：{eq}。"),
    },
    final="{name}{last_day}骑了多少公里？",
)

AGES = Family(
    question=["{first}今年{start}岁。"],
    solution=["{first}今年{start}岁。"],
    steps={
        "+": "{who}比{than}大{k}岁",
        "-": "{who}比{than}小{k}岁",
        "*": "{who}的年龄是{than}的{k}倍",
        "/": "{who}的年龄是{than}的一半",
    },
    final="{last}今年多少岁？",
)

# the first step (× 12 or × 7) needs a fact the question does not state
UNITS = Kinds(by="unit", tables={
    "dozen": Family(
        question=["{name}买了{start}打鸡蛋。"],
        steps={
            "*": (None, "1打是12个：{eq}。"),
            "+0": "{she}又买了{k}个鸡蛋",
            "+1": "邻居送给{she}{k}个鸡蛋",
            "-0": "{she}做蛋糕用了{k}个鸡蛋",
            "-1": "{she}打碎了{k}个鸡蛋",
        },
        final="{name}现在有多少个鸡蛋？",
    ),
    "year": Family(
        question=["{name}在城市里住了{start}年。"],
        steps={
            "*": (None, "1年有12个月：{eq}。"),
            "+0": "在那之前{she}在村里住了{k}个月",
            "+1": "{she}又住了{k}个月",
            "-0": "其中有{k}个月{she}在国外",
            "-1": "其中有{k}个月{she}在度假",
        },
        final="{name}一共在城市里待了多少个月？",
    ),
    "week": Family(
        question=["{name}连续{start}周每天练习钢琴。"],
        steps={
            "*": (None, "1周有7天：{eq}。"),
            "+0": "{she}又多练习了{k}天",
            "+1": "下一周{she}又练习了{k}天",
            "-0": "其中有{k}天{she}没有练习",
            "-1": "其中有{k}天{she}生病休息",
        },
        final="{name}一共练习了多少天钢琴？",
    ),
})

LANGUAGE = Language(
    code="zh", person=person, thing=thing, days=DAYS, shop_items=SHOP_ITEMS, stop="。", colon="：", question_sep="",
    families={"shopping": SHOPPING, "collecting": COLLECTING, "sharing": SHARING, "travel": TRAVEL, "ages": AGES,
              "units": UNITS},
)
