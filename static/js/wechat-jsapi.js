// Opens WeChat's own payment sheet (WeixinJSBridge exists only inside WeChat's browser),
// then goes back to the pay page, whatever the payer did in the sheet.
"use strict";

(function () {
  var params = document.getElementById("jsapi-params");
  var sheet = document.getElementById("wechat-jsapi");
  if (!params || !sheet) {
    return;
  }
  function pay() {
    window.WeixinJSBridge.invoke("getBrandWCPayRequest", JSON.parse(params.textContent), function () {
      window.location.href = sheet.getAttribute("data-return-url");
    });
  }
  if (typeof window.WeixinJSBridge === "undefined") {
    document.addEventListener("WeixinJSBridgeReady", pay, false);
  } else {
    pay();
  }
})();
