// Paying inside WeChat (JSAPI): WeixinJSBridge shows WeChat's own payment sheet.
// The payer may close the sheet or the payment may fail: then say so and offer the
// button again, with the same parameters (the prepay_id stays valid for two hours).
(function () {
  "use strict";
  var root = document.getElementById("jsapi");
  var source = document.getElementById("jsapi-params");
  if (!root || !source) {
    return;
  }
  var params = JSON.parse(source.textContent);
  var button = document.getElementById("jsapi-pay");
  var states = ["waiting", "canceled", "failed", "done"];

  function show(state) {
    states.forEach(function (name) {
      document.getElementById("jsapi-" + name).hidden = name !== state;
    });
    button.hidden = state === "done";
    button.disabled = state === "waiting";
  }

  function pay() {
    if (typeof window.WeixinJSBridge === "undefined") {
      show("failed"); // not (yet) inside WeChat's browser
      return;
    }
    show("waiting");
    window.WeixinJSBridge.invoke("getBrandWCPayRequest", params, function (result) {
      var message = (result && result.err_msg) || "";
      if (message === "get_brand_wcpay_request:ok") {
        // WeChat's "ok" is not proof of payment: the pay page asks our server, which waits
        // for the signed notification (or queries WeChat).
        show("done");
        window.location.assign(root.dataset.doneUrl);
      } else if (message === "get_brand_wcpay_request:cancel") {
        show("canceled");
      } else {
        show("failed");
      }
    });
  }

  button.addEventListener("click", pay);
  if (typeof window.WeixinJSBridge === "undefined") {
    document.addEventListener("WeixinJSBridgeReady", pay, false);
  } else {
    pay();
  }
})();
