/* Exam-day check-in on the invigilator's phone (the page: exams/templates/exams/checkin_room.html).

   Offline-first: the room's manifest (names, masked IDs, seats, photos) and the JWK set are kept in
   IndexedDB; every mark is a scan with its own client id, queued in IndexedDB and posted to the sync
   endpoint whenever the network is there (and on 同步). A ticket's QR is a compact JWS checked here
   against the cached key set (jose, WebCrypto Ed25519) before anything is shown; the server checks
   it again. The rules mirror exams/checkin.py (`claims_refusal`, `decide`). Words come from the page. */
import { compactVerify, decodeProtectedHeader, importJWK } from "../vendor/jose/index.js";

const root = document.getElementById("checkin");
const words = document.getElementById("checkin-words").dataset;
const post = `${root.dataset.room}:${root.dataset.session}`;
const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
const $ = (id) => document.getElementById(id);
const state = { manifest: null, marks: {}, current: null, keys: {} };

/* --- IndexedDB: manifests by post, marks by post, the queue of scans by client id --- */
function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open("skillcert-checkin", 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("manifests");
      db.createObjectStore("marks");
      db.createObjectStore("queue", { keyPath: "client_id" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
const dbReady = openDb();

async function store(name, mode, work) {
  const db = await dbReady;
  return new Promise((resolve, reject) => {
    const tx = db.transaction(name, mode);
    const result = work(tx.objectStore(name));
    tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
  });
}
const get = (name, key) => store(name, "readonly", (s) => s.get(key));
const put = (name, value, key) => store(name, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key)));
const all = (name) => store(name, "readonly", (s) => s.getAll());
const remove = (name, key) => store(name, "readwrite", (s) => s.delete(key));

/* --- the screen --- */
function say(text, kind) {
  const box = $("message");
  box.textContent = text;
  box.className = `notice notice-${kind || "error"}`;
  box.hidden = !text;
}

function label(outcome) {
  return outcome ? words[outcome] : words.unmarked;
}

/* Online means the server answered the last request: navigator.onLine alone stays true on a
   network that goes nowhere (a dead Wi-Fi, a captive portal, some browsers' offline modes). */
let reachable = true;
function online() {
  return navigator.onLine && reachable;
}

async function reach(url, options) {
  try {
    const response = await fetch(url, options);
    reachable = true;
    return response;
  } catch (error) {
    reachable = false;
    throw error;
  }
}

async function showPending() {
  const queued = (await all("queue")).filter((scan) => scan.post === post);
  $("pending").textContent = String(queued.length);
  $("net").textContent = online() ? words.online : words.offline;
  $("net").className = online() ? "tag tag-ok" : "tag tag-missing";
  return queued;
}

function drawRoster() {
  const list = $("roster");
  list.replaceChildren();
  const counts = { present: 0, absent: 0, incident: 0, unmarked: 0 };
  for (const candidate of state.manifest ? state.manifest.candidates : []) {
    const mark = state.marks[candidate.no];
    counts[mark ? mark.outcome : "unmarked"] += 1;
    const item = document.createElement("li");
    item.dataset.no = candidate.no;
    item.dataset.outcome = mark ? mark.outcome : "";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = `${candidate.seat} ${candidate.name}`;
    button.addEventListener("click", () => show(candidate));
    const status = document.createElement("span");
    status.className = "checkin-state";
    status.textContent = ` ${label(mark && mark.outcome)}${mark && mark.pending ? words.pendingMark : ""}`;
    item.append(button, status);
    list.append(item);
  }
  $("counts").textContent = ["present", "absent", "incident", "unmarked"].map((k) => `${label(k === "unmarked" ? "" : k)} ${counts[k]}`).join(" · ");
}

function show(candidate) {
  state.current = candidate;
  const mark = state.marks[candidate.no];
  $("card").hidden = false;
  $("card-photo").src = candidate.photo || "";
  $("card-photo").hidden = !candidate.photo;
  $("card-name").textContent = candidate.name;
  $("card-facts").textContent = `${candidate.no} · ${candidate.idm} · ${candidate.seat} · ${candidate.occupation} ${candidate.level}`;
  $("card-state").textContent = mark ? `${label(mark.outcome)}${mark.note ? "：" + mark.note : ""}${mark.pending ? words.pendingMark : ""}` : words.unmarked;
  $("card-note").value = "";
  for (const button of $("card").querySelectorAll("[data-mark]")) {
    button.textContent = (mark ? words.correct : "") + words[button.dataset.mark];
    button.hidden = Boolean(mark && mark.outcome === button.dataset.mark); // nothing to correct to
  }
  $("card").scrollIntoView({ block: "nearest" });
}

/* --- a ticket: its QR verified offline, or its typed number --- */
function claimsRefusal(claims, manifest) {
  if (claims.cmp !== manifest.campaign) return "该准考证不属于本批次考试。";
  if (claims.site !== manifest.site || claims.room !== manifest.room) {
    return `该考生的考场是：${claims.site || ""} 第${claims.room || ""}考场，请引导其前往。`;
  }
  const here = (claims.ses || []).some((s) => s[1] === manifest.session.date && s[2] === manifest.session.starts);
  return here ? "" : "该考生不参加本场次考试。";
}

async function keyFor(kid) {
  if (!state.keys[kid]) {
    const jwk = (state.manifest.jwks.keys || []).find((k) => k.kid === kid);
    if (!jwk) return null;
    state.keys[kid] = await importJWK(jwk, "EdDSA");
  }
  return state.keys[kid];
}

async function verifyTicket(jws) {
  let header;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    return { refusal: words.badSignature };
  }
  if (header.typ !== state.manifest.ticket_typ) return { refusal: words.wrongType };
  const key = header.alg === "EdDSA" ? await keyFor(header.kid) : null;
  if (!key) return { refusal: words.badSignature };
  try {
    const { payload } = await compactVerify(jws, key, { algorithms: ["EdDSA"] });
    return { claims: JSON.parse(new TextDecoder().decode(payload)) };
  } catch {
    return { refusal: words.badSignature };
  }
}

async function find(text) {
  say("");
  const value = text.trim();
  if (!state.manifest || !value) return;
  let number = value;
  let jws = "";
  if (value.split(".").length === 3) {
    const { claims, refusal } = await verifyTicket(value);
    const why = refusal || claimsRefusal(claims, state.manifest);
    if (why) return say(why);
    number = claims.no;
    jws = value;
    const listed = state.manifest.candidates.find((c) => c.no === number);
    if (listed && Number(claims.rev || 0) < listed.rev) return say(words.oldRevision);
  }
  const candidate = state.manifest.candidates.find((c) => c.no === number);
  if (!candidate) return say(words.notListed);
  state.jws = jws;
  show(candidate);
}

/* --- marks: each a queued scan --- */
async function queueScan(candidate, outcome, note, correction, jws = "") {
  const scan = {
    client_id: crypto.randomUUID(),
    post,
    room: Number(root.dataset.room),
    session: Number(root.dataset.session),
    token: jws,
    number: candidate.no,
    outcome,
    note,
    correction,
    scanned_at: new Date().toISOString(),
  };
  await put("queue", scan);
  state.marks[candidate.no] = { outcome, note, pending: true };
  await put("marks", state.marks, post);
}

async function mark(outcome) {
  const candidate = state.current;
  if (!candidate) return;
  const note = $("card-note").value.trim();
  if (outcome === "incident" && !note) return say(words.noteNeeded);
  const before = state.marks[candidate.no];
  if (before && before.outcome === outcome) return;
  await queueScan(candidate, outcome, note, Boolean(before), state.jws || "");
  state.jws = "";
  show(candidate);
  drawRoster();
  await showPending();
  sync();
}

async function restAbsent() {
  if (!state.manifest || !window.confirm(words.confirmRest)) return;
  for (const candidate of state.manifest.candidates) {
    if (!state.marks[candidate.no]) await queueScan(candidate, "absent", "", false);
  }
  drawRoster();
  await showPending();
  sync();
}

let syncing = false;
async function sync() {
  const queued = await showPending();
  if (syncing || !queued.length || !navigator.onLine) return;
  syncing = true;
  try {
    const response = await reach(root.dataset.sync, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ scans: queued }),
    });
    if (!response.ok) throw new Error(String(response.status));
    const { answers } = await response.json();
    const refused = [];
    for (const answer of answers) {
      const scan = queued.find((s) => s.client_id === answer.client_id);
      await remove("queue", answer.client_id);
      if (!scan) continue;
      if (answer.result === "refused") {
        refused.push(`${scan.number} ${answer.reason}`);
        delete state.marks[scan.number];
      } else {
        /* the server's outcome (another phone's may have come first); a re-sent scan keeps ours */
        state.marks[scan.number] = { outcome: answer.outcome || scan.outcome, note: scan.note, pending: false };
      }
    }
    await put("marks", state.marks, post);
    say(refused.length ? words.refused + refused.join("；") : words.synced, refused.length ? "error" : "success");
  } catch {
    /* still offline, or the server is away: the queue stays, the next try sends it again */
  } finally {
    syncing = false;
    drawRoster();
    await showPending();
  }
}

/* --- the manifest: fresh from the server when online, else the one kept here --- */
async function loadManifest() {
  state.marks = (await get("marks", post)) || {};
  try {
    const response = await reach(root.dataset.manifest, { credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    state.manifest = await response.json();
    await put("manifests", state.manifest, post);
    $("manifest-state").textContent = words.manifestOk;
  } catch {
    state.manifest = await get("manifests", post);
    $("manifest-state").textContent = state.manifest ? words.manifestOffline : words.manifestMissing;
  }
  root.dataset.ready = state.manifest ? "true" : "false";
  drawRoster();
  await showPending();
}

/* --- the camera: frames decoded by zxing-wasm (served from here, WebAssembly included) --- */
let stream = null;
async function scanWithCamera() {
  const video = $("video");
  if (stream) return stopCamera();
  const zxing = window.ZXingWASM;
  try {
    zxing.prepareZXingModule({ overrides: { locateFile: () => root.dataset.wasm } });
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  } catch {
    return say(words.noCamera);
  }
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  while (stream) {
    if (video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      const found = await zxing.readBarcodes(context.getImageData(0, 0, canvas.width, canvas.height), { formats: ["QRCode"], maxNumberOfSymbols: 1 });
      if (found.length && found[0].text) {
        stopCamera();
        await find(found[0].text);
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

function stopCamera() {
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
  $("video").hidden = true;
}

async function forget() {
  if (!window.confirm(words.confirmForget)) return;
  await remove("manifests", post);
  await remove("marks", post);
  for (const scan of await all("queue")) if (scan.post === post) await remove("queue", scan.client_id);
  state.manifest = null;
  state.marks = {};
  drawRoster();
  await showPending();
}

function controlled() {
  if (navigator.serviceWorker.controller) return Promise.resolve();
  return new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
}

async function start() {
  $("fallback").hidden = true;
  root.hidden = false;
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.scope }).catch(() => {});
    navigator.serviceWorker.ready
      .then(() => caches.open("exam-day-pages"))
      .then((cache) => cache.add(location.href))
      .then(controlled)
      .then(() => (root.dataset.offline = "ready")) // the page is kept and the worker serves it: it reopens offline
      .catch(() => {});
  }
  $("typed").addEventListener("submit", (event) => {
    event.preventDefault();
    find($("typed-number").value);
  });
  $("camera").addEventListener("click", scanWithCamera);
  $("sync").addEventListener("click", sync);
  $("rest-absent").addEventListener("click", restAbsent);
  $("forget").addEventListener("click", forget);
  for (const button of $("card").querySelectorAll("[data-mark]")) {
    button.addEventListener("click", () => mark(button.dataset.mark));
  }
  window.addEventListener("online", sync);
  window.addEventListener("offline", showPending);
  setInterval(sync, 30000);
  await loadManifest();
  await sync();
}

window.checkin = { find, sync }; // for the browser tests (a QR text without a camera)
start();
