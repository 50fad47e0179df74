"""The audit action kinds of accounts: sign-in, registration, passwords, revealed numbers."""

from django.utils.translation import gettext_lazy as _

from audit.kinds import ActionKind, declare

KINDS = [
    ActionKind("accounts.login", _("登录")),
    ActionKind("accounts.login.locked", _("登录失败次数过多，账号暂时锁定")),
    ActionKind("accounts.unlock_code.requested", _("申请解锁验证码")),
    ActionKind("accounts.registration.started", _("开始注册")),
    ActionKind("accounts.registration.refused", _("注册被拒绝")),
    ActionKind("accounts.applicant.registered", _("申报人注册")),
    ActionKind("accounts.password_reset.requested", _("申请找回密码")),
    ActionKind("accounts.password_reset", _("重设密码")),
    ActionKind("accounts.staff_password_reset", _("重置工作人员密码")),
    ActionKind("accounts.password_changed", _("修改密码")),
    ActionKind("accounts.logout", _("退出登录")),
    ActionKind("accounts.logout_everywhere", _("退出所有设备")),
    ActionKind("personal_data.unmasked", _("查看完整个人信息")),
    ActionKind("accounts.api_token.created", _("创建 API 令牌")),
    ActionKind("accounts.api_token.revoked", _("吊销 API 令牌")),
    ActionKind("accounts.api_token.used_after_revoke", _("使用已吊销的 API 令牌")),
]
declare(*KINDS)
