// The page's behaviour: gather the files and the pasted text, post them to /api/label, show the
// labelled page the server draws in a frame that runs no script, and offer its CSV and JSON Lines.
// Text from reports and file names goes in only as textContent or as the frame's own escaped page.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("form"), input = $("files"), drop = $("drop"), text = $("text");
  const status = $("status"), error = $("error"), results = $("results"), frame = $("report");
  let chosen = [];       // the files to send: picked with the button or dropped
  let last = null;       // the last answer of /api/label
  let maxBytes = Infinity;

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  function listChosen() {
    const list = $("chosen");
    list.textContent = "";
    for (const file of chosen) {
      const item = document.createElement("li");
      item.textContent = file.name;
      list.appendChild(item);
    }
  }

  input.addEventListener("change", () => { chosen = Array.from(input.files); listChosen(); showError(""); });

  for (const kind of ["dragenter", "dragover"]) {
    drop.addEventListener(kind, (event) => { event.preventDefault(); drop.classList.add("over"); });
  }
  for (const kind of ["dragleave", "drop"]) {
    drop.addEventListener(kind, () => drop.classList.remove("over"));
  }
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    chosen = chosen.concat(Array.from(event.dataTransfer.files));
    listChosen();
    showError("");
  });

  $("clear").addEventListener("click", () => {
    chosen = []; input.value = ""; text.value = ""; listChosen(); showError(""); status.textContent = "";
    results.hidden = true; last = null; input.focus();
  });

  fetch("/api/health").then((r) => r.json()).then((health) => {
    maxBytes = health.max_upload_mb * 1e6;  // the server counts 10⁶ bytes a megabyte
    $("limit").textContent = `· 总大小不超过 ${health.max_upload_mb} MB · up to ${health.max_upload_mb} MB in all`;
    $("version").textContent = `version ${health.version}`;
  }).catch(() => {});

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError("");
    const pasted = text.value;
    if (!chosen.length && !pasted.trim()) {
      showError("请先选择文件或粘贴报告全文。 Choose a file or paste a report first.");
      input.focus();
      return;
    }
    const size = chosen.reduce((sum, file) => sum + file.size, 0) + new Blob([pasted]).size;
    if (size > maxBytes) {
      showError(`文件太大：总大小超过 ${Math.round(maxBytes / 1e6)} MB。 The upload is larger than the limit.`);
      return;
    }
    const body = new FormData();
    for (const file of chosen) body.append("files", file, file.name);
    if (pasted.trim()) body.append("text", pasted);
    if ($("explain").checked) body.append("explain", $("explain").value);
    const button = $("submit");
    button.disabled = true;
    status.textContent = "正在标注…… Labelling…";
    try {
      const response = await fetch("/api/label", { method: "POST", body });
      let answer;
      try { answer = await response.json(); } catch (e) { answer = { error: `${response.status} ${response.statusText}` }; }
      if (!response.ok) {
        status.textContent = "";
        dropResults();  // the last results are not those of this upload: not left to be downloaded
        showError(`无法标注 · Not labelled: ${answer.error || response.status}`);
        return;
      }
      last = answer;
      const paragraphs = answer.reports.reduce((sum, report) => sum + report.paragraphs.length, 0);
      status.textContent = `完成：${answer.reports.length} 份报告，${paragraphs} 段。 Done: ${answer.reports.length} report(s), ${paragraphs} paragraphs.`;
      show(answer.html);
    } catch (e) {
      status.textContent = "";
      dropResults();
      showError(`无法连接程序 · The program did not answer: ${e.message}`);
    } finally {
      button.disabled = false;
    }
  });

  function dropResults() {
    results.hidden = true;
    last = null;
    frame.srcdoc = "";
  }

  function show(page) {
    results.hidden = false;
    frame.srcdoc = page;          // a property, not markup: the page is the server's escaped HTML
    $("results-title").focus();
  }

  // The frame as tall as its page, so the window scrolls it with the rest; its links to a
  // report's section (#report-2) scroll the window there.
  function fit() {
    const doc = frame.contentDocument;
    if (doc && doc.documentElement) frame.style.height = (doc.documentElement.scrollHeight + 4) + "px";
  }
  frame.addEventListener("load", () => {
    const doc = frame.contentDocument;
    if (!doc || !doc.head) return;
    // The page's own title is this page's already: not shown twice.
    const style = doc.createElement("style");
    style.textContent = "header h1 { display: none; } main { padding-top: 12px; }";
    doc.head.appendChild(style);
    fit();
    doc.addEventListener("click", (event) => {
      const link = event.target.closest && event.target.closest('a[href^="#"]');
      if (!link) return;
      const target = doc.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!target) return;
      event.preventDefault();
      const top = frame.getBoundingClientRect().top + target.getBoundingClientRect().top + window.scrollY;
      window.scrollTo({ top: top - 8 });
    });
  });
  window.addEventListener("resize", fit);

  function stem() {
    if (last && last.reports.length === 1) return last.reports[0].file.replace(/\.[^.]*$/, "");
    return "reports";
  }

  function download(content, type, suffix) {
    const blob = new Blob([content], { type });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `${stem()}.labels${suffix}`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  // CSV with a BOM, as predict --out x.csv writes it, so that Excel reads it as UTF-8.
  $("download-csv").addEventListener("click", () => last && download("\ufeff" + last.csv, "text/csv;charset=utf-8", ".csv"));
  $("download-jsonl").addEventListener("click", () => last && download(last.jsonl, "application/jsonl;charset=utf-8", ".jsonl"));
  $("download-html").addEventListener("click", () => last && download(last.html, "text/html;charset=utf-8", ".html"));
})();
