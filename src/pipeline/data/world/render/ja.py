"""Japanese templates of the synthetic world, with counters (how the tables are read: ``render/base.py``).

A counted thing is written noun, particle, number and counter: ``りんごを12個``, ``切手を5枚``, ``鉛筆を3本``;
bought things take their own counter (``本を1冊``), people ``人``, ages ``歳``, eggs ``個`` by the ``ダース``,
weeks ``週間``, months ``か月``, days ``日``. Particles: は (topic), が (subject), を (object), に (to / on a
day), で (price, means), から (from). Names carry さん (girls) or くん (boys); the subject is left out where the
person is clear, and named again after the friend acted (like Korean). No spaces except inside equations;
``。``, ``：`` and ``、`` as punctuation.
"""

from __future__ import annotations

from pipeline.data.world.render.base import Family, Kinds, Language, Spec, Step, Words, friend_acted_last

NAMES = {
    "f": ("さくらさん", "ゆいさん", "はなさん", "美咲さん", "陽菜さん", "彩花さん", "七海さん", "愛子さん",
          "真由さん", "優子さん"),
    "m": ("健太くん", "翔太くん", "大輝くん", "拓海くん", "蓮くん", "悠人くん", "隆くん", "誠くん", "亮くん",
          "直樹くん"),
}
OBJECTS = {  # noun, counter
    "apple": ("りんご", "個"), "stamp": ("切手", "枚"), "pencil": ("鉛筆", "本"),
    "shell": ("貝がら", "個"), "marble": ("ビー玉", "個"), "sticker": ("シール", "枚"),
}
SHOP_ITEMS = {"book": "本", "toy": "おもちゃ", "hat": "帽子", "ball": "ボール", "kite": "たこ"}
SHOP_COUNTERS = {"book": "冊", "toy": "つ", "hat": "つ", "ball": "個", "kite": "つ"}  # 1冊, 1つ, 1個
DAYS = ("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日")


def person(who: list) -> Words:
    """``name`` of a person, with さん or くん (Japanese templates leave the subject out where English says "she")."""
    return {"name": NAMES[who[0]][who[1]]}


def thing(key: str) -> Words:
    """``noun`` and ``counter`` of an object (``りんご``, ``個``)."""
    noun, counter = OBJECTS[key]
    return {"noun": noun, "counter": counter}


def shopping_step(spec: Spec, step: Step) -> Words:
    """``one``: one of the bought thing with its counter (``1冊``); empty for steps that buy nothing."""
    return {"one": f"1{SHOP_COUNTERS[step.item]}" if step.item else ""}


SHOPPING = Family(
    step_words=shopping_step,
    question=["{name}は{start}円持っています。"],
    solution=["{name}は最初に{start}円持っています。"],
    steps={
        "+1": ("おばさんが{name}に{k}円くれます。", "おばさんから{k}円もらいます：{eq}。"),
        "+": ("お手伝いをして{k}円かせぎます。", "お手伝いで{k}円かせぎます：{eq}。"),
        "-": ("{k}円で{item}を{one}買います。", "{item}{one}に{k}円使います：{eq}。"),
        "*": ("おばあさんが{name}に、今持っているのと同じ金額をくれます。", "お金が{k}倍になります：{eq}。"),
    },
    final="{name}は今何円持っていますか？",
)


def collecting_step(spec: Spec, step: Step) -> Words:
    """``subj``: the topic-marked name (``さくらさんは``) after the friend acted, else nothing."""
    again = friend_acted_last(spec, step)
    return {"subj": person(spec["person"])["name"] + "は" if again else ""}


COLLECTING = Family(
    step_words=collecting_step,
    question=["{name}と{friend}は友だちです。", "{name}は{noun}を{start}{counter}持っています。"],
    solution=["{name}は最初に{noun}を{start}{counter}持っています。"],
    steps={
        "+1": ("{friend}が{name}に{noun}を{k}{counter}くれます。", "{subj}{friend}から{k}{counter}もらいます：{eq}。"),
        "+": ("{subj}{noun}をさらに{k}{counter}見つけます。", "{subj}さらに{k}{counter}見つけます：{eq}。"),
        "-1": ("{subj}{noun}を{k}{counter}なくします。", "{subj}{k}{counter}なくします：{eq}。"),
        "-": ("{subj}{friend}に{noun}を{k}{counter}あげます。", "{subj}{friend}に{k}{counter}あげます：{eq}。"),
        "*": ("その後、{name}の{noun}は前の{k}倍になります。", "{noun}が{k}倍になります：{eq}。"),
    },
    final="{name}は最後に{noun}を何{counter}持っていますか？",
)

SHARING = Family(
    steps={
        "*": ("{name}は箱を{start}個持っていて、どの箱にも{noun}が{k}{counter}ずつ入っています。",
              "箱{start}個に{noun}が{k}{counter}ずつ入っています：{eq}。"),
        "+1": ("先生が{noun}をさらに{k}{counter}持ってきます。", "先生がさらに{k}{counter}持ってきます：{eq}。"),
        "-1": ("{name}は{noun}を{k}{counter}なくします。", "{k}{counter}なくします：{eq}。"),
        "+": ("{name}は{noun}をさらに{k}{counter}入れます。", "さらに{k}{counter}入れます：{eq}。"),
        "-": ("{name}は{noun}を{k}{counter}取り出します。", "{k}{counter}取り出します：{eq}。"),
        "/": ("{name}はすべての{noun}を{k}人の子どもに同じ数ずつ分けます。",
              "{k}人の子どもに同じ数ずつ分けます：{eq}。"),
    },
    final={"/": "それぞれの子どもは{noun}を何{counter}もらいますか？",
           "": "{name}は今{noun}を何{counter}持っていますか？"},
)

TRAVEL = Family(
    question=["{first_day}に、{name}は自転車で{start}キロメートル走ります。"],
    solution=["{first_day}に{name}は{start}キロメートル走ります。"],
    steps={
        "+": ("{day}には{prev}より{k}キロメートル多く走ります。", "{day}には{k}キロメートル多く走ります：{eq}。"),
        "-": ("{day}には{prev}より{k}キロメートル少なく走ります。", "{day}には{k}キロメートル少なく走ります：{eq}。"),
        "*": ("{day}には{prev}の{k}倍の距離を走ります。", "{day}には{prev}の{k}倍走ります：{eq}。"),
        "/": ("{day}には{prev}の半分の距離を走ります。", "{day}には{prev}の半分走ります：{eq}。"),
    },
    final="{name}は{last_day}に何キロメートル走りますか？",
)

AGES = Family(
    question=["{first}は{start}歳です。"],
    solution=["{first}は{start}歳です。"],
    steps={
        "+": "{who}は{than}より{k}歳年上です",
        "-": "{who}は{than}より{k}歳年下です",
        "*": "{who}の年齢は{than}の{k}倍です",
        "/": "{who}の年齢は{than}の半分です",
    },
    final="{last}は何歳ですか？",
)

# the first step (× 12 or × 7) needs a fact the question does not state
UNITS = Kinds(by="unit", tables={
    "dozen": Family(
        question=["{name}は卵を{start}ダース買います。"],
        steps={
            "*": (None, "1ダースは卵12個です：{eq}。"),
            "+0": "さらに卵を{k}個買います",
            "+1": "近所の人が{name}に卵を{k}個くれます",
            "-0": "ケーキを作るのに卵を{k}個使います",
            "-1": "卵を{k}個割ってしまいます",
        },
        final="{name}は今卵を何個持っていますか？",
    ),
    "year": Family(
        question=["{name}は{start}年間、町に住んでいます。"],
        steps={
            "*": (None, "1年は12か月です：{eq}。"),
            "+0": "その前に村に{k}か月住んでいました",
            "+1": "さらに{k}か月住み続けます",
            "-0": "そのうち{k}か月は外国で過ごしました",
            "-1": "そのうち{k}か月は休暇でした",
        },
        final="{name}は全部で何か月町にいましたか？",
    ),
    "week": Family(
        question=["{name}は{start}週間、毎日ピアノを練習します。"],
        steps={
            "*": (None, "1週間は7日です：{eq}。"),
            "+0": "さらに{k}日練習します",
            "+1": "次の週にも{k}日練習します",
            "-0": "そのうち{k}日は練習を休みます",
            "-1": "そのうち{k}日は病気で休みます",
        },
        final="{name}は全部で何日ピアノを練習しますか？",
    ),
})

LANGUAGE = Language(
    code="ja", person=person, thing=thing, days=DAYS, shop_items=SHOP_ITEMS, stop="。", colon="：", question_sep="",
    families={"shopping": SHOPPING, "collecting": COLLECTING, "sharing": SHARING, "travel": TRAVEL, "ages": AGES,
              "units": UNITS},
)
