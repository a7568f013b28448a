/* The site's search worker: answers Material's search box without building an index.

   Material's script fetches search/search_index.json, posts it here (SETUP)
   and then sends each query (QUERY); we answer READY and RESULT in the format
   of Material's own lunr worker, so its search box, result list, suggestions
   and highlighting work unchanged (overrides/main.html points Material at this
   file). Building a lunr index took seconds on every page load of a big site;
   here each field of every entry is one long string, searched with indexOf
   (hooks/otkb/search.py says what the entries hold).

   Matching: a query word finds the words it starts ("sciss" finds
   "scissors"), ignoring case, accents and apostrophes; common words ("the",
   "how") are left out. A page must hold every `+word` and every word of a
   "quoted phrase", and no `-word`, somewhere on it. Ranking: each field's boost from
   mkdocs.yml (`plugins.search.fields`: titles first) times a BM25 weight,
   then the boosts Material gives a page over its sections and an entry
   that matches more of the query. */
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;  // Material's SearchMessageType

// lunr's English stop words, which Material's search pipeline leaves out.
const STOP_WORDS = new Set(("a able about across after all almost also am among an and any are as at be because " +
  "been but by can cannot could dear did do does either else ever every for from get got had has have he her " +
  "hers him his how however i if in into is it its just least let like likely may me might most must my " +
  "neither no nor not of off often on only or other our own rather said say says she should since so some " +
  "than that the their them then there these they this tis to too twas us wants was we were what when where " +
  "which while who whom why will with would yet you your").split(" "));
const ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#x27;": "'", "&#39;": "'"};
const WORD_CHAR = /[\p{L}\p{N}]/u;
const TEASER = 300;  // characters of text shown under a result, around the first match
const MARKED = 100;  // results (pages) whose matches are marked; Material shows 10, more as one scrolls

let index = null;

/* Index text (HTML-escaped, Material's may hold <p> or <li>) as it is searched. */
function fold(value) {
  let text = Array.isArray(value) ? value.join(" ") : value || "";
  if (text.includes("<"))
    text = text.replace(/<[^>]*>/g, " ");
  if (text.includes("&"))
    text = text.replace(/&(?:amp|lt|gt|quot|#x27|#39);/g, entity => ENTITIES[entity]);
  text = text.toLowerCase();
  if (/[\u00c0-\u024f\u1e00-\u1eff]/.test(text))
    text = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  return text.replace(/['’]/g, "");
}

function isWordChar(text, at) {
  const code = text.charCodeAt(at);
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code > 127 && WORD_CHAR.test(text[at]));
}

function setup({config, docs, options}) {
  const fields = Object.entries(config.fields).map(([name, spec]) => ({name, boost: spec.boost || 1}));
  const pages = new Map();  // page -> its own entry (the first with its path); the others are sections
  const entries = docs.map((doc, number) => {
    const entry = {doc, number, page: doc.location.split("#")[0]};
    entry.isPage = !pages.has(entry.page);
    if (entry.isPage)
      pages.set(entry.page, entry);
    entry.pageNumber = pages.get(entry.page).number;
    return entry;
  });
  // Per field, one string: every entry's folded text after a newline; starts[e] is where entry e begins.
  const columns = fields.map(field => {
    const starts = new Int32Array(docs.length + 1);
    let length = 0;
    const parts = docs.map((doc, e) => {
      const part = "\n" + fold(doc[field.name]);
      starts[e] = length;
      length += part.length;
      return part;
    });
    starts[docs.length] = length;
    return {text: parts.join(""), starts};
  });
  index = {fields, entries, pages, columns, suggest: Boolean(options && options.suggest)};
}

/* The query's clauses: [{term, presence}], presence "optional", "required" or "excluded". */
function parse(query) {
  const clauses = [];
  const add = (text, presence) => {
    for (const term of fold(text).split(/[^\p{L}\p{N}]+/u))
      if (term && !STOP_WORDS.has(term) && !clauses.some(clause => clause.term === term))
        clauses.push({term, presence});
  };
  query.replace(/"([^"]*)"?|(\S+)/g, (_, phrase, word) => {
    if (phrase !== undefined)
      add(phrase, "required");
    else if (word[0] === "+" || word[0] === "-")
      add(word.slice(1), word[0] === "+" ? "required" : "excluded");
    else
      add(word, "optional");
    return "";
  });
  return clauses;
}

/* Per entry, how many words of one field start with `term`. */
function occurrences({text, starts}, term) {
  const counts = new Uint16Array(starts.length - 1);
  let entry = 0;
  for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + term.length)) {
    if (isWordChar(text, at - 1))
      continue;
    while (starts[entry + 1] <= at)
      entry++;
    counts[entry]++;
  }
  return counts;
}

/* Score every entry that matches: [{entry, score, terms}], best first. */
function rank(clauses) {
  const total = index.entries.length;
  const counts = clauses.map(clause => index.columns.map(column => occurrences(column, clause.term)));
  const matched = counts.map(perField => {  // per clause: the entries, and the pages, it matches
    const entries = new Uint8Array(total), pages = new Uint8Array(total);
    for (const perEntry of perField)
      for (let e = 0; e < total; e++)
        if (perEntry[e] > 0)
          entries[e] = pages[index.entries[e].pageNumber] = 1;
    return {entries, pages};
  });
  const positive = clauses.filter(clause => clause.presence !== "excluded").length;
  const hits = [];
  // A page must have every +word and no -word anywhere; its entries that match some word are found.
  next: for (const entry of index.entries) {
    let found = 0;
    for (const [c, clause] of clauses.entries()) {
      const onPage = matched[c].pages[entry.pageNumber];
      if (clause.presence === "excluded" ? onPage : clause.presence === "required" && !onPage)
        continue next;
      found += clause.presence !== "excluded" && matched[c].entries[entry.number];
    }
    if (found)
      hits.push({entry, found});
  }
  const idf = clauses.map((_, c) => {
    const frequency = matched[c].entries.reduce((sum, m) => sum + m, 0);
    return Math.log(1 + (total - frequency + 0.5) / (frequency + 0.5));
  });
  for (const hit of hits) {
    const e = hit.entry.number;
    let sum = 0;
    hit.terms = {};
    clauses.forEach((clause, c) => {
      if (clause.presence === "excluded")
        return;
      hit.terms[clause.term] = Boolean(matched[c].entries[e]);
      index.fields.forEach((field, f) => {
        const n = counts[c][f][e];
        sum += idf[c] * field.boost * (n * 2.2) / (n + 1.2);  // BM25 with k1 = 1.2 and no length term
      });
    });
    const boost = (hit.entry.isPage ? 1 : 0) + hit.found / positive;  // as Material's worker does
    hit.score = sum * (1 + boost * boost);
  }
  return hits.sort((a, b) => b.score - a.score);
}

/* Wraps the words that start with a found term in <mark>, never inside an entity (&amp;) or a tag (<li>). */
function marker(terms) {
  if (!terms.length)
    return {mark: text => text, first: () => -1};
  const escaped = terms.map(term => term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  const words = new RegExp(`(^|[^\\p{L}\\p{N}&#</'’])((?:${escaped})[\\p{L}\\p{N}]*)`, "giu");
  const first = new RegExp(`(?:^|[^\\p{L}\\p{N}&#</'’])(?:${escaped})`, "iu");
  return {mark: text => text.replace(words, "$1<mark>$2</mark>"), first: text => text.search(first)};
}

/* A long text from its start, or from just before its first match if that would not show. */
function teaser(text, first) {
  if (text.length <= TEASER)
    return text;
  const at = first(text);
  const start = at < TEASER * 0.7 ? 0 : Math.max(0, text.lastIndexOf(" ", at - TEASER / 5));
  let end = text.indexOf(" ", start + TEASER);  // cut at spaces, never inside an entity
  if (end === -1)
    end = text.length;
  return (start > 0 ? "… " : "") + text.slice(start, end).trim() + (end < text.length ? " …" : "");
}

function item({entry: {doc}, score, terms}, {mark, first}) {
  const result = {location: doc.location, title: mark(doc.title), text: mark(teaser(doc.text || "", first)),
                  score, terms};
  if (doc.tags)
    result.tags = doc.tags.map(mark);
  return result;
}

/* The completion Material shows for the last word: from the best title that has every word. */
function suggestion(hits, clauses) {
  const wanted = clauses.filter(clause => clause.presence !== "excluded");
  const title = index.fields.findIndex(field => field.name === "title");
  const last = wanted[wanted.length - 1].term;
  for (const {entry} of hits) {
    const words = fold(entry.doc.title).split(/[^\p{L}\p{N}]+/u);
    if (title !== -1 && wanted.every(clause => words.some(word => word.startsWith(clause.term))))
      return [words.find(word => word.startsWith(last))];
  }
  return [];
}

function search(query) {
  const clauses = parse(query);
  if (!clauses.some(clause => clause.presence !== "excluded"))
    return {items: []};
  const hits = rank(clauses);
  // Group by page, best page first; a page's own entry comes along even when only a section matched.
  const highlight = marker(clauses.filter(clause => clause.presence !== "excluded").map(clause => clause.term));
  const plain = marker([]);
  const groups = new Map();
  for (const hit of hits) {
    if (!groups.has(hit.entry.page))
      groups.set(hit.entry.page, []);
    groups.get(hit.entry.page).push(item(hit, groups.size <= MARKED ? highlight : plain));
  }
  for (const [page, items] of groups)
    if (!items.some(result => result.location === page)) {
      const {doc} = index.pages.get(page);
      items.push({location: doc.location, title: doc.title, text: "", tags: doc.tags, score: 0, terms: {}});
    }
  const result = {items: [...groups.values()]};
  if (index.suggest)
    result.suggest = suggestion(hits, clauses);
  return result;
}

addEventListener("message", ({data: message}) => {
  switch (message.type) {
    case SETUP:
      setup(message.data);
      postMessage({type: READY});
      break;
    case QUERY:
      try {
        postMessage({type: RESULT, data: search(message.data)});
      } catch (error) {
        console.warn(`Search failed for ${JSON.stringify(message.data)}:`, error);
        postMessage({type: RESULT, data: {items: []}});
      }
      break;
  }
});
