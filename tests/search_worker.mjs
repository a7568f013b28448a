// Runs the site's search worker, as shipped, in node against a built site: the ranking the browser runs.
//
//   node tests/search_worker.mjs SITE_DIR '["query", ...]'
//
// prints, per query, the results Material would show: [{location, title (text), sections, html}], where
// `html` is each item's title|text as Material inserts it, and the `note` the page shows above them (that no
// page has every word, or any; what the site covers). Files are read from SITE_DIR as the worker
// would fetch them, and every file fetched is listed (`fetched`), so tests can see what a query costs.
//
//   node tests/search_worker.mjs --tokens tests/search_tokens.json
//
// prints the worker's words of each row of the shared tokenizer table (`text`: typed, `html`: index text).
import {readFile} from "node:fs/promises";
import {pathToFileURL} from "node:url";
import vm from "node:vm";

const [site, queries] = process.argv[2] === "--tokens" ? process.argv.slice(2, 4)
  : [process.argv[2], JSON.parse(process.argv[3])];
const workerUrl = site === "--tokens" ? new URL("../overrides/assets/javascripts/search-worker.js", import.meta.url)
  : new URL("assets/javascripts/search-worker.js", pathToFileURL(site.replace(/\/?$/, "/")));
let listener, reply;
const fetched = [];
const sandbox = {
  self: {location: workerUrl}, URL, TextEncoder, console,
  addEventListener: (type, handler) => { listener = handler; },
  postMessage: message => reply(message),
  fetch: async url => {
    fetched.push(new URL(url).pathname.slice(new URL("../../", workerUrl).pathname.length));
    try {
      const text = await readFile(new URL(url), "utf8");
      return {ok: true, status: 200, json: async () => JSON.parse(text)};
    } catch {
      return {ok: false, status: 404};
    }
  },
};
vm.runInNewContext(await readFile(workerUrl, "utf8"), sandbox);
if (site === "--tokens") {  // node tests/search_worker.mjs --tokens TABLE: the worker's words of each row
  const table = JSON.parse(await readFile(queries, "utf8"));
  console.log(JSON.stringify(table.map(row => "html" in row ? sandbox.htmlWords(row.html) : sandbox.words(row.text))));
  process.exit(0);
}
const send = message => new Promise(resolve => { reply = resolve; listener({data: message}); });
const plain = html => html.replace(/<[^>]*>/g, "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
  .replace(/&quot;/g, "\"").replace(/&#(?:39|x27);/g, "'");
await send({type: 0, data: {config: {}, docs: [], options: {suggest: true}}});
const out = [];
for (const query of queries) {
  fetched.length = 0;
  const {data} = await send({type: 2, data: query});
  out.push({query, fetched: [...fetched], suggest: data.suggest, note: data.note, results: data.items.map(([page, ...sections]) => ({
    location: page.location, title: plain(page.title),
    sections: sections.map(section => section.location),
    html: [page, ...sections].map(item => `${item.title}|${item.text}`)}))});
}
console.log(JSON.stringify(out));
