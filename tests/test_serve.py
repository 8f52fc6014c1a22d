"""The web page and its API (``classifier serve``): labels as predict gives them, every refusal,
escaping, queueing, the command's options, and the page in a real browser (slow)."""
import asyncio
import contextlib
import io
import json
import os
import sys
import threading

import pytest

from conftest import DOCS

pytest.importorskip("starlette", reason="the serve extra: pip install -e '.[serve]'")

# A short report written for these tests (never text of ../shared).
REPORT = (
    "某街道2024年宣传思想工作总结\n"
    "一、加强理论武装\n"
    "街道党工委理论学习中心组全年开展集中学习12次，围绕全会精神组织专题研讨，各社区党组织跟进学习。\n"
    "二、做好新闻宣传\n"
    "全年在区级以上媒体刊发稿件46篇，街道公众号推送信息300余条，及时报道辖区重点工作。\n"
    "三、推进文明创建\n"
    "深入开展新时代文明实践活动，组建志愿服务队伍18支，评选好邻居、文明家庭各10户。\n"
    "四、繁荣群众文化\n"
    "举办社区文化节、广场舞展演等群众文化活动30余场，新建社区书屋2个。\n"
)
WORD_PARAGRAPHS = [
    ("社区意识形态工作要点", 1),
    ("落实意识形态工作责任制，每半年专题研判一次意识形态领域情况。", None),
    ("加强网络阵地管理，规范社区微信群和公众号的信息发布审核。", None),
]
HOSTILE = '<script>window.__xss = 1, alert("x")</script> 学习&讨论 </iframe><img src=x onerror="window.__xss=2">'
HOSTILE_NAME = '<img src=x onerror="window.__xss=3">.txt'


def _docx_bytes(paragraphs=WORD_PARAGRAPHS) -> bytes:
    import docx

    document = docx.Document()
    for text, level in paragraphs:
        if level:
            document.add_heading(text, level=level)
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def app(default_model):
    from classifier.serve import create_app

    return create_app(default_model)


@pytest.fixture(scope="module")
def client(app):
    from starlette.testclient import TestClient

    with TestClient(app) as client:
        yield client


def _post(client, files=(), **data):
    return client.post("/api/label", files=[("files", (name, content, "application/octet-stream"))
                                            for name, content in files] or None, data=data or None)


def _predict_jsonl(cli, monkeypatch, folder, names, *options):
    """What ``predict --format jsonl`` writes for ``names`` in ``folder``, one dict a paragraph."""
    monkeypatch.chdir(folder)
    result = cli("predict", *names, "--format", "jsonl", *options)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def _paragraphs(answer):
    return [p for report in answer["reports"] for p in report["paragraphs"]]


def test_a_txt_and_a_docx_come_back_as_predict_labels_them(client, cli, monkeypatch, tmp_path):
    (tmp_path / "街道总结.txt").write_bytes(REPORT.encode("gb18030"))
    (tmp_path / "要点.docx").write_bytes(_docx_bytes())
    files = [(name, (tmp_path / name).read_bytes()) for name in ("街道总结.txt", "要点.docx")]
    response = _post(client, files, explain="3")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert [r["file"] for r in answer["reports"]] == ["街道总结.txt", "要点.docx"]
    expected = _predict_jsonl(cli, monkeypatch, tmp_path, ["街道总结.txt", "要点.docx"], "--explain", "3")
    assert _paragraphs(answer) == expected
    assert {p["label"] for p in expected} >= {"theory", "media", "ideology"}  # the texts are read, not trivially
    first = answer["reports"][0]
    assert first["summary"]["theory"]["paragraphs"] == sum(p["label"] == "theory" for p in first["paragraphs"])
    assert first["paragraphs"][2]["text"] in answer["html"] and 'id="summary"' in answer["html"]
    rows = answer["csv"].splitlines()
    assert rows[0].startswith("file,index,start,end,label") and rows[0].endswith("explanation")
    assert len(rows) == len(expected) + 1 and not answer["csv"].startswith("\ufeff")
    assert [json.loads(line) for line in answer["jsonl"].splitlines()] == expected


def test_labels_equal_predicts_on_shared_documents(client, cli, monkeypatch):
    names = sorted(os.listdir(DOCS))[::60][:5]
    _check_shared(client, cli, monkeypatch, names)


@pytest.mark.slow
def test_labels_equal_predicts_on_every_shared_document(client, cli, monkeypatch):
    _check_shared(client, cli, monkeypatch, sorted(os.listdir(DOCS)))


def _check_shared(client, cli, monkeypatch, names):
    files = []
    for name in names:
        with open(os.path.join(DOCS, name), "rb") as handle:
            files.append((name, handle.read()))
    response = _post(client, files)
    assert response.status_code == 200, response.text
    assert _paragraphs(response.json()) == _predict_jsonl(cli, monkeypatch, DOCS, names)


def test_pasted_text_is_a_report_of_its_own_with_the_line_ends_typed(client, default_model):
    from classifier import label_reports
    from classifier.read import Document
    from classifier.serve import PASTED_NAME

    response = _post(client, text=REPORT.replace("\n", "\r\n"))  # as a browser's form sends it
    assert response.status_code == 200, response.text
    [report] = response.json()["reports"]
    assert report["file"] == PASTED_NAME == "粘贴的文本"
    [expected] = label_reports(default_model, [Document(PASTED_NAME, REPORT)])
    assert report["paragraphs"] == [p.to_dict(PASTED_NAME) for p in expected.paragraphs]
    assert all(REPORT[p["start"]:p["end"]] == p["text"] for p in report["paragraphs"])


@pytest.mark.parametrize("name, content", [
    ("报告.pdf", b"%PDF-1.4 whatever"),
    ("报告.docx", b"PK\x03\x04 not really a zip"),
    ("空的.txt", b""),
    ("空白.txt", " \n\u3000\n".encode("utf-8")),
    ("二进制.txt", bytes(range(256)) * 4),
])
def test_a_file_the_command_refuses_is_refused_with_its_message(client, cli, tmp_path, monkeypatch, name, content):
    (tmp_path / name).write_bytes(content)
    monkeypatch.chdir(tmp_path)
    said = cli("predict", name).stderr.strip()
    assert said.startswith("classifier: error: " + name)
    response = _post(client, [("好的.txt", REPORT.encode()), (name, content)])
    assert response.status_code == 400
    # The command line's own inputs (folders, - for stdin) are left out of the page's message.
    assert response.json() == {"error": said[len("classifier: error: "):].replace("; folders of them, or - for stdin", "")}
    assert "stdin" not in response.json()["error"]


def test_two_pasted_texts_and_the_browsers_icon(client):
    """A second text field is refused, not dropped; the icon browsers ask for is no 404."""
    response = client.post("/api/label", files=[("text", (None, REPORT)), ("text", (None, REPORT))])
    assert response.status_code == 400 and "more than once" in response.json()["error"]
    assert client.get("/favicon.ico").status_code == 204


def test_nothing_to_label_is_refused(client):
    for data in ({}, {"text": "  \r\n "}):
        response = client.post("/api/label", data=data, files=[("explain", (None, "0"))])
        assert response.status_code == 400
        assert "no file or text given" in response.json()["error"]
    assert _post(client, [("a.txt", REPORT.encode())], explain="lots").status_code == 400


def test_an_upload_over_the_limit_is_refused_with_413(default_model):
    from starlette.testclient import TestClient

    from classifier.serve import create_app

    with TestClient(create_app(default_model, max_upload_mb=0.01)) as small:  # 10 KB
        big = ("一段文字。" * 2000).encode("utf-8")  # 30 KB
        response = _post(small, [("大.txt", big)])
        assert response.status_code == 413 and "0.01 MB" in response.json()["error"]
        # Sent in chunks, without a Content-Length: refused once the count passes the limit.
        boundary = "----limit"
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="大.txt"\r\n'
                'Content-Type: text/plain\r\n\r\n').encode()
        sent = []

        def chunks():
            for part in [head] + [big[i:i + 4096] for i in range(0, len(big), 4096)] + [f"\r\n--{boundary}--\r\n".encode()]:
                sent.append(len(part))
                yield part
        response = small.post("/api/label", content=chunks(),
                              headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert response.status_code == 413
        assert _post(small, [("小.txt", REPORT.encode())]).status_code == 200  # under it: labelled
    # A megabyte is 10⁶ bytes, as in the limit of files read (--max-mb): a file of 9 948 bytes in
    # its form (about 10 150 bytes) is over 0.01 MB, though under 0.01 × 2²⁰ bytes.
    with TestClient(create_app(default_model, max_upload_mb=0.01)) as small:
        assert _post(small, [("稍大.txt", ("。" * 3316).encode("utf-8"))]).status_code == 413


def test_an_upload_leaves_no_file_behind(client, monkeypatch, tmp_path):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    response = _post(client, [("大.docx", b"PK\x03\x04" + bytes(1_500_000))])  # past Starlette's 1 MB spool
    assert response.status_code == 400
    assert os.listdir(tmp_path) == []


def test_report_text_and_file_names_are_escaped(client):
    response = _post(client, [(HOSTILE_NAME, (HOSTILE + "\n第二段讲理论学习。\n").encode())])
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["reports"][0]["file"] == HOSTILE_NAME
    assert answer["reports"][0]["paragraphs"][0]["text"] == HOSTILE  # the data as it is
    page = answer["html"]
    assert "<script" not in page and "<img" not in page and "</iframe>" not in page
    assert "&lt;script&gt;window.__xss = 1, alert(&quot;x&quot;)&lt;/script&gt;" in page and "&lt;img src=x onerror=" in page


def test_folders_in_an_upload_name_are_dropped(client):
    response = _post(client, [("C:\\Users\\me\\报告.txt", REPORT.encode())])
    assert response.json()["reports"][0]["file"] == "报告.txt"
    # Two files of one name from two folders stay apart: the second is numbered.
    response = _post(client, [("a/报告.txt", REPORT.encode()), ("b/报告.txt", REPORT.encode())])
    assert [report["file"] for report in response.json()["reports"]] == ["报告.txt", "报告 (2).txt"]
    assert {line.split(",")[0] for line in response.json()["csv"].splitlines()[1:]} == {"报告.txt", "报告 (2).txt"}


def test_health_and_labels(client, default_model):
    from classifier import __version__

    health = client.get("/api/health").json()
    assert health == {"status": "ok", "version": __version__, "labels": list(default_model.classes_),
                      "max_upload_mb": 20}
    labels = client.get("/api/labels").json()["labels"]
    assert [entry["label"] for entry in labels] == list(default_model.classes_)
    assert {entry["label"]: entry["name"] for entry in labels}["theory"] == "理论学习"


def test_the_page_and_its_files_need_no_network(client):
    import re

    page = client.get("/")
    assert page.status_code == 200 and "default-src 'none'" in page.headers["content-security-policy"]
    html = page.text
    assert '<input type="file" id="files" name="files" multiple' in html and "<textarea" in html
    assert html.index("开始标注") < html.index("Label</span>")  # Chinese first
    for name in ("app.js", "app.css"):
        asset = client.get(f"/static/{name}")
        assert asset.status_code == 200
        html += asset.text
    assert re.findall(r"(?:https?:)?//[\w.-]+\.\w+/", html) == []
    assert "innerHTML" not in html  # text from reports goes in as text, or as the escaped page


def test_concurrent_requests_queue_on_one_model(default_model):
    """More requests at once than workers: every one answered, the model never used by two at once."""
    import httpx

    from classifier.serve import create_app

    class Counting:
        def __init__(self, model):
            self.model, self.busy, self.most = model, 0, 0
            self.lock = threading.Lock()

        def __getattr__(self, name):
            return getattr(self.model, name)

        def predict_report_proba(self, *args, **kwargs):
            with self.lock:
                self.busy += 1
                self.most = max(self.most, self.busy)
            try:
                return self.model.predict_report_proba(*args, **kwargs)
            finally:
                with self.lock:
                    self.busy -= 1

    model = Counting(default_model)
    app = create_app(model)

    async def many():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            posts = [client.post("/api/label", files=[("files", (f"r{n}.txt", REPORT.encode()))]) for n in range(8)]
            health = client.get("/api/health")
            return await asyncio.gather(*posts, health)

    answers = asyncio.run(many())
    assert [a.status_code for a in answers] == [200] * 9
    assert model.most == 1


def test_serve_without_its_libraries_says_what_to_install(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn now fails
    result = cli("serve")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "pip install -e '.[serve]'" in result.stderr


@pytest.fixture
def no_serving(monkeypatch, default_model):
    """``serve`` runs up to the point of serving: the shipped model given, uvicorn's loop left out."""
    import uvicorn

    import classifier.persist

    served = []
    monkeypatch.setattr(classifier.persist, "load_model", lambda *a, **k: default_model)
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: served.append(sockets[0].getsockname()))
    return served


def test_serve_binds_to_this_computer_unless_told(cli, no_serving):
    result = cli("serve", "--port", "0")
    assert result.returncode == 0 and "warning" not in result.stderr
    host, port = no_serving[0]
    assert host == "127.0.0.1" and f"http://127.0.0.1:{port}/" in result.stderr
    result = cli("serve", "--port", "0", "--host", "0.0.0.0")
    assert result.returncode == 0 and no_serving[1][0] == "0.0.0.0"
    assert "warning" in result.stderr and "other machines" in result.stderr


def test_serve_on_a_port_in_use_says_so(cli, no_serving):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = cli("serve", "--port", port)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert f"--port {port}" in result.stderr and "--port 0" in result.stderr


def test_serve_refuses_a_bad_upload_limit(cli):
    for value in ("0", "-1", "lots"):
        assert cli("serve", "--max-upload-mb", value).returncode == 2


# ---- the page in a real browser ------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextlib.contextmanager
def serving(app):
    """``app`` served by uvicorn on a free port of 127.0.0.1 in a thread; yields its address."""
    import uvicorn

    from classifier.cli.serve import _listen

    sock = _listen("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    try:
        while not server.started:
            thread.join(0.05)
            assert thread.is_alive(), "the server stopped on its own"
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def _artifact_folder():
    folder = os.path.join(os.path.dirname(__file__), "artifacts")
    os.makedirs(folder, exist_ok=True)
    return folder


@pytest.mark.slow
def test_the_page_in_a_browser(app, tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
    (tmp_path / "街道总结.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "要点.docx").write_bytes(_docx_bytes())
    (tmp_path / HOSTILE_NAME).write_text(HOSTILE + "\n", encoding="utf-8")
    dialogs = []
    with serving(app) as url, playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        outside = []
        page.on("request", lambda request: request.url.startswith(url) or request.url.startswith(("data:", "blob:", "about:"))
                or outside.append(request.url))
        page.goto(url + "/")
        page.set_input_files("#files", [str(tmp_path / "街道总结.txt"), str(tmp_path / "要点.docx")])
        page.click("#submit")
        frame = page.frame_locator("#report")
        frame.locator("section.report").nth(1).wait_for(timeout=60_000)
        assert frame.locator("section.report").count() == 2 and frame.locator("#summary").count() == 1
        labels = frame.locator("section.report").nth(0).locator("div.p").evaluate_all(
            "ps => ps.map(p => [p.dataset.label, getComputedStyle(p).borderLeftColor])")
        assert {label for label, _ in labels} >= {"theory", "media"}
        assert len({colour for _, colour in labels}) == len({label for label, _ in labels})  # coloured by area
        assert frame.locator("section.report").nth(0).locator("svg g.bar").count() == 6  # the chart
        height = page.eval_on_selector("#report", "f => f.getBoundingClientRect().height")
        assert height > 900  # the frame grows to its page: the window scrolls it
        page.screenshot(path=os.path.join(_artifact_folder(), "serve_page.png"), full_page=True)

        with page.expect_download() as download:
            page.click("#download-csv")
        data = open(download.value.path(), "rb").read()
        assert download.value.suggested_filename == "reports.labels.csv"
        assert data.startswith(b"\xef\xbb\xbf")
        rows = data.decode("utf-8-sig").splitlines()
        assert rows[0].startswith("file,index,start,end,label")
        assert len(rows) - 1 == frame.locator("div.p").count()
        assert {row.split(",")[0] for row in rows[1:]} == {"街道总结.txt", "要点.docx"}

        # The keyboard alone: clear, paste text, tab to the button, Enter; and hostile text stays text.
        page.click("#clear")
        page.focus("#text")
        page.keyboard.insert_text(HOSTILE + "\n第二段：组织理论学习。")
        for _ in range(6):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "submit":
                break
        assert page.evaluate("document.activeElement.id") == "submit"
        page.keyboard.press("Enter")
        frame.locator("section.report p.text").first.wait_for(timeout=60_000)
        page.wait_for_function("document.getElementById('status').textContent.includes('1 report')")
        assert frame.locator("section.report p.text").first.inner_text() == HOSTILE

        page.set_input_files("#files", [str(tmp_path / HOSTILE_NAME)])
        page.fill("#text", "")
        page.click("#submit")
        frame.locator(f"section.report[data-name={json.dumps(HOSTILE_NAME)}]").wait_for(timeout=60_000)
        assert frame.locator("section.report h2").first.inner_text() == HOSTILE_NAME
        assert frame.locator("img").count() == 0 and frame.locator("script").count() == 0
        assert page.evaluate("window.__xss") is None and frame.locator("body").evaluate("b => window.__xss") is None
        assert dialogs == []

        # A refusal shows the server's one-line message.
        (tmp_path / "坏.docx").write_bytes(b"not a zip")
        page.set_input_files("#files", [str(tmp_path / "坏.docx")])
        page.click("#submit")
        page.locator("#error").wait_for(state="visible")
        assert "坏.docx: is not a readable .docx file" in page.inner_text("#error")
        # The results before it are not this upload's: hidden, not left to be downloaded.
        assert page.locator("#results").is_hidden() and page.locator("#download-csv").is_hidden()
        assert outside == []
        browser.close()
    print("screenshot:", os.path.join(_artifact_folder(), "serve_page.png"))
