"""Mounted at /paysim/ by skillcert/urls.py when WECHATPAY_SIMULATOR (never in production).

After the prefix, the API paths are the real api.mch.weixin.qq.com ones, so the adapter only
changes its gateway. The OAuth paths are open.weixin.qq.com's and api.weixin.qq.com's.
"""

from django.urls import path

from paysim import api, views

app_name = "paysim"

urlpatterns = [
    path("", views.index, name="index"),
    path("scan/", views.scan, name="scan"),
    path("jsapi/", views.jsapi, name="jsapi"),
    path("connect/oauth2/authorize", views.oauth_authorize, name="oauth_authorize"),
    path("sns/oauth2/access_token", views.oauth_access_token, name="oauth_access_token"),
    path("v3/pay/transactions/native", api.native, name="native"),
    path("v3/pay/transactions/jsapi", api.jsapi, name="jsapi_order"),
    path("v3/pay/transactions/out-trade-no/<str:out_trade_no>", api.query_by_out_trade_no, name="query"),
    path("v3/pay/transactions/out-trade-no/<str:out_trade_no>/close", api.close, name="close"),
    path("v3/pay/transactions/id/<str:transaction_id>", api.query_by_id, name="query_by_id"),
    path("v3/refund/domestic/refunds", api.refunds, name="refunds"),
    path("v3/refund/domestic/refunds/<str:out_refund_no>", api.refund_detail, name="refund"),
    path("v3/certificates", api.certificates, name="certificates"),
    path("v3/bill/tradebill", api.trade_bill, name="tradebill"),
    path("v3/billdownload/file", api.bill_download, name="billdownload"),
]
