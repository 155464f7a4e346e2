"""Thai templates of the synthetic world, with classifiers (how the tables are read: ``render/base.py``).

A counted thing is written noun, number, classifier: ``แอปเปิล 12 ลูก``, ``แสตมป์ 5 ดวง``, ``ดินสอ 3 แท่ง``; boxes
``ใบ``, children ``คน``, eggs ``ฟอง`` by the ``โหล``, ages ``ปี``, months ``เดือน``, weeks ``สัปดาห์``, days ``วัน``,
money ``บาท``; "how many" is ``กี่`` + classifier (``กี่ลูก``). Thai writes no spaces between words, a space
between sentences and around numbers, and no full stop or question mark (``stop=""``); a solution line is the
clause, ``: `` and the equation.
"""

from __future__ import annotations

from pipeline.data.world.render.base import Family, Kinds, Language, Spec, Step, Words, friend_acted_last

NAMES = {
    "f": ("มาลี", "สมศรี", "น้ำฝน", "ปิยะดา", "สุดา", "อรุณี", "กมลา", "วันดี", "ดวงใจ", "พิมพ์ใจ"),
    "m": ("สมชาย", "สมศักดิ์", "วิชัย", "ธนากร", "ณัฐพล", "อนุชา", "กิตติ", "ชัยวัฒน์", "ปกรณ์", "สุรชัย"),
}
PRONOUNS = {"f": "เธอ", "m": "เขา"}
OBJECTS = {  # noun, classifier
    "apple": ("แอปเปิล", "ลูก"), "stamp": ("แสตมป์", "ดวง"), "pencil": ("ดินสอ", "แท่ง"),
    "shell": ("เปลือกหอย", "อัน"), "marble": ("ลูกแก้ว", "ลูก"), "sticker": ("สติกเกอร์", "แผ่น"),
}
SHOP_ITEMS = {"book": "หนังสือ", "toy": "ของเล่น", "hat": "หมวก", "ball": "ลูกบอล", "kite": "ว่าว"}
SHOP_CLASSIFIERS = {"book": "เล่ม", "toy": "ชิ้น", "hat": "ใบ", "ball": "ลูก", "kite": "ตัว"}
DAYS = ("วันจันทร์", "วันอังคาร", "วันพุธ", "วันพฤหัสบดี", "วันศุกร์", "วันเสาร์", "วันอาทิตย์")


def person(who: list) -> Words:
    """``name`` and pronoun ``she`` (เธอ/เขา) of a person."""
    return {"name": NAMES[who[0]][who[1]], "she": PRONOUNS[who[0]]}


def thing(key: str) -> Words:
    """``noun`` and classifier ``cls`` of an object (``แอปเปิล``, ``ลูก``)."""
    noun, cls = OBJECTS[key]
    return {"noun": noun, "cls": cls}


def shopping_step(spec: Spec, step: Step) -> Words:
    """``item_cls``: the classifier of the bought thing (``เล่ม``); empty for steps that buy nothing."""
    return {"item_cls": SHOP_CLASSIFIERS[step.item] if step.item else ""}


SHOPPING = Family(
    step_words=shopping_step,
    question=["{name}มีเงิน {start} บาท"],
    solution=["ตอนแรก{name}มีเงิน {start} บาท"],
    steps={
        "+1": ("ป้าให้เงิน{name} {k} บาท", "{she}ได้เงินจากป้า {k} บาท: {eq}"),
        "+": ("{she}ช่วยทำงานบ้านได้เงิน {k} บาท", "{she}ทำงานบ้านได้เงิน {k} บาท: {eq}"),
        "-": ("{she}ซื้อ{item} 1 {item_cls} ราคา {k} บาท", "{she}จ่ายค่า{item} {k} บาท: {eq}"),
        "*": ("ยายให้เงิน{name}เพิ่มเท่ากับที่{she}มีอยู่", "เงินของ{she}เพิ่มเป็น {k} เท่า: {eq}"),
    },
    final="ตอนนี้{name}มีเงินกี่บาท",
)


def collecting_step(spec: Spec, step: Step) -> Words:
    """``subj``: the person's name after the friend acted, else the pronoun."""
    me = person(spec["person"])
    return {"subj": me["name"] if friend_acted_last(spec, step) else me["she"]}


COLLECTING = Family(
    step_words=collecting_step,
    question=["{name}และ{friend}เป็นเพื่อนกัน", "{name}มี{noun} {start} {cls}"],
    solution=["ตอนแรก{name}มี{noun} {start} {cls}"],
    steps={
        "+1": ("{friend}ให้{noun}แก่{name} {k} {cls}", "{subj}ได้รับจาก{friend} {k} {cls}: {eq}"),
        "+": ("{subj}หา{noun}เจอเพิ่มอีก {k} {cls}", "{subj}หาเจอเพิ่มอีก {k} {cls}: {eq}"),
        "-1": ("{subj}ทำ{noun}หาย {k} {cls}", "{subj}ทำหาย {k} {cls}: {eq}"),
        "-": ("{subj}ให้{noun}แก่{friend} {k} {cls}", "{subj}ให้{friend} {k} {cls}: {eq}"),
        "*": ("ต่อมา{noun}ของ{subj}เพิ่มขึ้นเป็น {k} เท่าของเดิม", "{noun}เพิ่มเป็น {k} เท่า: {eq}"),
    },
    final="สุดท้าย{name}มี{noun}กี่{cls}",
)

SHARING = Family(
    steps={
        "*": ("{name}มีกล่อง {start} ใบ แต่ละกล่องมี{noun} {k} {cls}", "กล่อง {start} ใบ ใบละ {k} {cls}: {eq}"),
        "+1": ("ครูนำ{noun}มาเพิ่มอีก {k} {cls}", "ครูนำมาเพิ่มอีก {k} {cls}: {eq}"),
        "-1": ("{she}ทำ{noun}หาย {k} {cls}", "{she}ทำหาย {k} {cls}: {eq}"),
        "+": ("{she}ใส่{noun}เพิ่มอีก {k} {cls}", "{she}ใส่เพิ่มอีก {k} {cls}: {eq}"),
        "-": ("{she}หยิบ{noun}ออกมา {k} {cls}", "{she}หยิบออกมา {k} {cls}: {eq}"),
        "/": ("{she}แบ่ง{noun}ทั้งหมดให้เด็ก {k} คนเท่า ๆ กัน", "แบ่งให้เด็ก {k} คนเท่า ๆ กัน: {eq}"),
    },
    final={"/": "เด็กแต่ละคนได้{noun}กี่{cls}", "": "ตอนนี้{name}มี{noun}ทั้งหมดกี่{cls}"},
)

TRAVEL = Family(
    question=["{first_day} {name}ปั่นจักรยานได้ {start} กิโลเมตร"],
    solution=["{first_day} {name}ปั่นจักรยานได้ {start} กิโลเมตร"],
    steps={
        "+": ("{day} {she}ปั่นได้มากกว่า{prev} {k} กิโลเมตร", "{day} {she}ปั่นได้มากกว่าเดิม {k} กิโลเมตร: {eq}"),
        "-": ("{day} {she}ปั่นได้น้อยกว่า{prev} {k} กิโลเมตร", "{day} {she}ปั่นได้น้อยกว่าเดิม {k} กิโลเมตร: {eq}"),
        "*": ("{day} {she}ปั่นได้ระยะทางเป็น {k} เท่าของ{prev}", "{day} {she}ปั่นได้ {k} เท่าของ{prev}: {eq}"),
        "/": ("{day} {she}ปั่นได้ระยะทางครึ่งหนึ่งของ{prev}", "{day} {she}ปั่นได้ครึ่งหนึ่งของ{prev}: {eq}"),
    },
    final="{last_day} {name}ปั่นจักรยานได้กี่กิโลเมตร",
)

AGES = Family(
    question=["{first}อายุ {start} ปี"],
    solution=["{first}อายุ {start} ปี"],
    steps={
        "+": "{who}อายุมากกว่า{than} {k} ปี",
        "-": "{who}อายุน้อยกว่า{than} {k} ปี",
        "*": "{who}อายุเป็น {k} เท่าของ{than}",
        "/": "{who}อายุเป็นครึ่งหนึ่งของ{than}",
    },
    final="{last}อายุกี่ปี",
)

# the first step (× 12 or × 7) needs a fact the question does not state
UNITS = Kinds(by="unit", tables={
    "dozen": Family(
        question=["{name}ซื้อไข่ {start} โหล"],
        steps={
            "*": (None, "ไข่ 1 โหลมี 12 ฟอง: {eq}"),
            "+0": "{she}ซื้อไข่เพิ่มอีก {k} ฟอง",
            "+1": "เพื่อนบ้านให้ไข่แก่{name} {k} ฟอง",
            "-0": "{she}ใช้ไข่ทำเค้ก {k} ฟอง",
            "-1": "{she}ทำไข่แตก {k} ฟอง",
        },
        final="ตอนนี้{name}มีไข่กี่ฟอง",
    ),
    "year": Family(
        question=["{name}อาศัยอยู่ในเมืองมา {start} ปี"],
        steps={
            "*": (None, "1 ปีมี 12 เดือน: {eq}"),
            "+0": "ก่อนหน้านั้น{she}อาศัยอยู่ในหมู่บ้าน {k} เดือน",
            "+1": "{she}อยู่ต่ออีก {k} เดือน",
            "-0": "ในช่วงนั้นมี {k} เดือนที่{she}อยู่ต่างประเทศ",
            "-1": "ในช่วงนั้นมี {k} เดือนที่{she}ไปพักร้อน",
        },
        final="{name}อยู่ในเมืองทั้งหมดกี่เดือน",
    ),
    "week": Family(
        question=["{name}ซ้อมเปียโนทุกวันเป็นเวลา {start} สัปดาห์"],
        steps={
            "*": (None, "1 สัปดาห์มี 7 วัน: {eq}"),
            "+0": "{she}ซ้อมเพิ่มอีก {k} วัน",
            "+1": "สัปดาห์ถัดไป{she}ซ้อมอีก {k} วัน",
            "-0": "ในช่วงนั้นมี {k} วันที่{she}ไม่ได้ซ้อม",
            "-1": "ในช่วงนั้นมี {k} วันที่{she}ป่วยและพักซ้อม",
        },
        final="{name}ซ้อมเปียโนทั้งหมดกี่วัน",
    ),
})

LANGUAGE = Language(
    code="th", person=person, thing=thing, days=DAYS, shop_items=SHOP_ITEMS, stop="", colon=": ", question_sep=" ",
    families={"shopping": SHOPPING, "collecting": COLLECTING, "sharing": SHARING, "travel": TRAVEL, "ages": AGES,
              "units": UNITS},
)
