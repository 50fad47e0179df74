"""GB/T 2260 administrative division codes of the cities (pure): the six digits in a 准考证号."""

GBT2260 = {
    "hohhot": "150100",  # 呼和浩特市
    "baotou": "150200",  # 包头市
    "wuhai": "150300",  # 乌海市
    "chifeng": "150400",  # 赤峰市
    "tongliao": "150500",  # 通辽市
    "ordos": "150600",  # 鄂尔多斯市
    "hulunbuir": "150700",  # 呼伦贝尔市
    "bayannur": "150800",  # 巴彦淖尔市
    "ulanqab": "150900",  # 乌兰察布市
    "hinggan": "152200",  # 兴安盟
    "xilingol": "152500",  # 锡林郭勒盟
    "alxa": "152900",  # 阿拉善盟
    "manzhouli": "150781",  # 满洲里市 (县级市, listed on its own by the notice)
}
