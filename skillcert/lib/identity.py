"""Chinese resident ID numbers (居民身份证号码) and mobile numbers. Pure module.

Validation of the ID number is python-stdnum's `cn.ric` (GB 11643-1999: region
code, birth date, check digit); here it only gets messages a person can act on.
"""

import re
from dataclasses import dataclass
from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


class InvalidIdentity(ValueError):
    """A number that cannot be a real ID or mobile number; str() is the message to show."""


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    gender: str  # "male" | "female", as the 17th digit says

    @property
    def region_code(self) -> str:
        return self.number[:6]


def normalise_id_number(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def parse_id_number(value: str, *, today: date | None = None) -> ResidentId:
    number = normalise_id_number(value)
    if not number:
        raise InvalidIdentity("请输入身份证号码。")
    if len(number) == 15 and number.isdigit():
        raise InvalidIdentity("15 位旧版身份证号码已停止使用，请输入 18 位身份证号码。")
    if len(number) != 18 or not re.fullmatch(r"\d{17}[\dX]", number):
        raise InvalidIdentity("身份证号码应为 18 位：前 17 位为数字，最后一位为数字或 X。")
    try:
        birth = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise InvalidIdentity("身份证号码中的出生日期不存在，请核对第 7–14 位。") from None
    if birth > (today or date.today()) or birth.year < 1900:
        raise InvalidIdentity("身份证号码中的出生日期不合理，请核对第 7–14 位。")
    try:
        ric.validate(number)
    except stdnum_errors.InvalidChecksum:
        raise InvalidIdentity("身份证号码校验位不正确，请核对是否输错。") from None
    except stdnum_errors.ValidationError:
        raise InvalidIdentity("身份证号码无效，请核对前 6 位地区码。") from None
    gender = "male" if int(number[16]) % 2 else "female"
    return ResidentId(number=number, birth_date=birth, gender=gender)


def looks_like_id_number(value: str) -> bool:
    return bool(re.fullmatch(r"\d{15}|\d{17}[\dXx]", normalise_id_number(value)))


def normalise_mobile(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def parse_mobile(value: str) -> str:
    number = normalise_mobile(value)
    if not MOBILE_RE.match(number):
        raise InvalidIdentity("手机号码应为 11 位数字，以 1 开头。")
    return number


def looks_like_mobile(value: str) -> bool:
    return bool(MOBILE_RE.match(normalise_mobile(value)))
