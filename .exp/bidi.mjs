import { chromium } from "playwright-core";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless=new","--no-sandbox"] });
const p = await b.newPage({ viewport: { width: 700, height: 400 } });
const T = "Sends your requests to the same server for the length of your visit. Second sentence here ok.";
await p.setContent(`<div dir=rtl style="font:16px sans-serif">
<table style="width:600px"><tr><td style="width:200px;border:1px solid">A: <bdi>${T}</bdi></td>
<td style="width:200px;border:1px solid">B: <span dir=auto>${T}</span></td>
<td style="width:200px;border:1px solid;unicode-bidi:plaintext">C: ${T}</td></tr></table>
<div style="width:200px;border:1px solid">D: <bdi>${T}</bdi></div></div>`);
await p.screenshot({ path: "/tmp/bidi.png" });
await b.close();
