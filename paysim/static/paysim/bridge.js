// The simulator's stand-in for WeChat's WeixinJSBridge (loaded only when WECHATPAY_SIMULATOR):
// getBrandWCPayRequest opens the simulator's JSAPI page as a sheet over the merchant's page,
// and reports back what WeChat would: get_brand_wcpay_request:ok / :cancel / :fail.
(function () {
  "use strict";
  if (typeof window.WeixinJSBridge !== "undefined") {
    return; // the real one (inside WeChat) wins
  }
  var script = document.currentScript;
  var sheetUrl = script.dataset.sheetUrl;

  function openSheet(params, callback) {
    var dialog = document.createElement("dialog");
    dialog.className = "paysim-sheet";
    dialog.setAttribute("aria-label", "微信支付（模拟器）");
    var close = document.createElement("button");
    close.type = "button";
    close.className = "paysim-sheet-close";
    close.setAttribute("aria-label", "关闭");
    close.textContent = "×";
    var frame = document.createElement("iframe");
    frame.title = "微信支付（模拟器）";
    var query = new URLSearchParams(params);
    query.set("sheet", "1");
    frame.src = sheetUrl + "?" + query.toString();
    dialog.append(close, frame);
    document.body.append(dialog);

    var answered = false;
    function finish(outcome) {
      if (answered) {
        return;
      }
      answered = true;
      window.removeEventListener("message", onMessage);
      dialog.close();
      dialog.remove();
      callback({ err_msg: "get_brand_wcpay_request:" + outcome });
    }
    function onMessage(event) {
      var data = event.data || {};
      if (event.origin === window.location.origin && event.source === frame.contentWindow && data.paysim) {
        finish(data.paysim);
      }
    }
    window.addEventListener("message", onMessage);
    close.addEventListener("click", function () {
      finish("cancel");
    });
    dialog.addEventListener("cancel", function () {
      finish("cancel"); // Esc / the phone's back gesture closes the sheet, as in WeChat
    });
    dialog.showModal();
  }

  window.WeixinJSBridge = {
    invoke: function (api, params, callback) {
      if (api !== "getBrandWCPayRequest") {
        callback({ err_msg: api + ":fail" });
        return;
      }
      openSheet(params, callback);
    },
  };
  document.dispatchEvent(new Event("WeixinJSBridgeReady"));
})();
