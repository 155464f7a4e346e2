"""Chinese (simplified) templates of the synthetic world, with measure words."""

from __future__ import annotations

from typing import Any

from pipeline.data.world.generate import equation, walk

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


def _name(person: list) -> str:
    return NAMES[person[0]][person[1]]


def _shopping(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name, she = _name(spec["person"]), PRONOUNS[spec["person"][0]]
    q = [f"{name}有{spec['start']}元钱。"]
    s = [f"{name}开始时有{spec['start']}元钱。"]
    for _, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        if op == "+" and step.get("v"):
            q.append(f"阿姨给了{she}{k}元。")
            s.append(f"阿姨给了{she}{k}元：{eq}。")
        elif op == "+":
            q.append(f"{she}做家务赚了{k}元。")
            s.append(f"{she}赚了{k}元：{eq}。")
        elif op == "-":
            item = SHOP_ITEMS[step["item"]]
            q.append(f"{she}花{k}元买了{item}。")
            s.append(f"{she}买{item}花了{k}元：{eq}。")
        else:
            q.append(f"奶奶又给了{she}和{she}现有的一样多的钱。")
            s.append(f"{she}的钱变成原来的{k}倍：{eq}。")
    return q, s, f"{name}现在有多少元钱？"


def _collecting(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name, friend, she = _name(spec["person"]), _name(spec["friend"]), PRONOUNS[spec["person"][0]]
    noun, mw = OBJECTS[spec["object"]]
    q = [f"{name}和{friend}是朋友。", f"{name}有{spec['start']}{mw}{noun}。"]
    s = [f"{name}开始时有{spec['start']}{mw}{noun}。"]
    other_spoke = False  # after the friend acted, name the person again
    for _, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        subj = name if other_spoke else she
        other_spoke = op == "+" and bool(step.get("v"))
        v = step.get("v")
        if op == "+" and v:
            q.append(f"{friend}送给{subj}{k}{mw}{noun}。")
            s.append(f"{friend}送给{subj}{k}{mw}：{eq}。")
        elif op == "+":
            q.append(f"{subj}又找到了{k}{mw}{noun}。")
            s.append(f"{subj}又找到{k}{mw}：{eq}。")
        elif op == "-" and v:
            q.append(f"{subj}弄丢了{k}{mw}{noun}。")
            s.append(f"{subj}弄丢了{k}{mw}：{eq}。")
        elif op == "-":
            q.append(f"{subj}送给{friend}{k}{mw}{noun}。")
            s.append(f"{subj}送给{friend}{k}{mw}：{eq}。")
        else:
            q.append(f"后来，{subj}的{noun}变成了原来的{k}倍。")
            s.append(f"{noun}变成原来的{k}倍：{eq}。")
    return q, s, f"{name}最后有多少{mw}{noun}？"


def _sharing(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name, she = _name(spec["person"]), PRONOUNS[spec["person"][0]]
    noun, mw = OBJECTS[spec["object"]]
    q, s = [], []
    shared = False
    for i, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        if i == 0:
            q.append(f"{name}有{a}个盒子，每个盒子里有{k}{mw}{noun}。")
            s.append(f"{a}个盒子，每个盒子里有{k}{mw}{noun}：{eq}。")
        elif op == "+" and step.get("v"):
            q.append(f"老师又拿来了{k}{mw}{noun}。")
            s.append(f"老师又拿来{k}{mw}：{eq}。")
        elif op == "-" and step.get("v"):
            q.append(f"{she}弄丢了{k}{mw}{noun}。")
            s.append(f"{she}弄丢了{k}{mw}：{eq}。")
        elif op == "+":
            q.append(f"{she}又放进了{k}{mw}{noun}。")
            s.append(f"{she}又放进{k}{mw}：{eq}。")
        elif op == "-":
            q.append(f"{she}拿出了{k}{mw}{noun}。")
            s.append(f"{she}拿出{k}{mw}：{eq}。")
        else:
            shared = True
            q.append(f"{she}把所有的{noun}平均分给{k}个孩子。")
            s.append(f"平均分给{k}个孩子：{eq}。")
    final = f"每个孩子分到多少{mw}{noun}？" if shared else f"{name}现在一共有多少{mw}{noun}？"
    return q, s, final


def _travel(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name, she = _name(spec["person"]), PRONOUNS[spec["person"][0]]
    d0 = spec["first_day"]
    q = [f"{DAYS[d0]}，{name}骑自行车骑了{spec['start']}公里。"]
    s = [f"{DAYS[d0]}{name}骑了{spec['start']}公里。"]
    for i, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        day, prev = DAYS[d0 + i + 1], DAYS[d0 + i]
        if op == "+":
            q.append(f"{day}{she}比{prev}多骑了{k}公里。")
            s.append(f"{day}多骑了{k}公里：{eq}。")
        elif op == "-":
            q.append(f"{day}{she}比{prev}少骑了{k}公里。")
            s.append(f"{day}少骑了{k}公里：{eq}。")
        elif op == "*":
            q.append(f"{day}{she}骑的路程是{prev}的{k}倍。")
            s.append(f"{day}骑的路程是{prev}的{k}倍：{eq}。")
        else:
            q.append(f"{day}{she}骑的路程是{prev}的一半。")
            s.append(f"{day}骑的路程是{prev}的一半：{eq}。")
    last = DAYS[d0 + len(spec["steps"])]
    return q, s, f"{name}{last}骑了多少公里？"


def _ages(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    names = [_name(p) for p in spec["people"]]
    intro = f"{names[0]}今年{spec['start']}岁。"
    q, s = [intro], [intro]
    for i, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        who, than = names[i + 1], names[i]
        if op == "+":
            text = f"{who}比{than}大{k}岁"
        elif op == "-":
            text = f"{who}比{than}小{k}岁"
        elif op == "*":
            text = f"{who}的年龄是{than}的{k}倍"
        else:
            text = f"{who}的年龄是{than}的一半"
        q.append(text + "。")
        s.append(f"{text}：{eq}。")
    return q, s, f"{names[-1]}今年多少岁？"


def _units(spec: dict[str, Any]) -> tuple[list[str], list[str], str]:
    name, she = _name(spec["person"]), PRONOUNS[spec["person"][0]]
    n = spec["start"]
    if spec["unit"] == "dozen":
        q = [f"{name}买了{n}打鸡蛋。"]
        lines = {"*": "1打是12个", "+0": f"{she}又买了{{k}}个鸡蛋", "+1": f"邻居送给{she}{{k}}个鸡蛋",
                 "-0": f"{she}做蛋糕用了{{k}}个鸡蛋", "-1": f"{she}打碎了{{k}}个鸡蛋"}
        final = f"{name}现在有多少个鸡蛋？"
    elif spec["unit"] == "year":
        q = [f"{name}在城市里住了{n}年。"]
        lines = {"*": "1年有12个月", "+0": f"在那之前{she}在村里住了{{k}}个月", "+1": f"{she}又住了{{k}}个月",
                 "-0": f"其中有{{k}}个月{she}在国外", "-1": f"其中有{{k}}个月{she}在度假"}
        final = f"{name}一共在城市里待了多少个月？"
    else:
        q = [f"{name}连续{n}周每天练习钢琴。"]
        lines = {"*": "1周有7天", "+0": f"{she}又多练习了{{k}}天", "+1": f"下一周{she}又练习了{{k}}天",
                 "-0": f"其中有{{k}}天{she}没有练习", "-1": f"其中有{{k}}天{she}生病休息"}
        final = f"{name}一共练习了多少天钢琴？"
    s = []
    for _, step, a, b in walk(spec):
        op, k, eq = step["op"], step["arg"], equation(a, step["op"], step["arg"], b)
        text = lines["*" if op == "*" else f"{op}{step.get('v', 0)}"].format(k=k)
        if op != "*":
            q.append(text + "。")
        s.append(f"{text}：{eq}。")
    return q, s, final


FAMILY_RENDERERS = {"shopping": _shopping, "collecting": _collecting, "sharing": _sharing,
                    "travel": _travel, "ages": _ages, "units": _units}


def render_spec(spec: dict[str, Any]) -> tuple[str, str]:
    """(question, solution without the answer line) of a spec in Chinese."""
    q, s, final = FAMILY_RENDERERS[spec["family"]](spec)
    return "".join([*q, final]), "\n".join(s)
