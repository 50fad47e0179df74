from django.apps import AppConfig


class PaysimConfig(AppConfig):
    name = "paysim"
    verbose_name = "微信支付模拟器（仅本地）"
