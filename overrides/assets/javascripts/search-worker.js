/* The site's search worker: answers Material's search box from a sharded index fetched as one types.

   Material's script fetches search/search_index.json (its config, no
   entries), posts it here (SETUP) and sends each query (QUERY); we answer
   READY and RESULT in the format of Material's own lunr worker, so its search
   box, result list, suggestions and highlighting work unchanged
   (overrides/main.html points Material at this file). Nothing else is
   fetched until the first query; then only the files it needs
   (hooks/otkb/site/search_shards.py says what each holds): meta.json, one
   shard per query word, the entries of the pages shown, ages.json for an
   age, a word list to correct a typo.

   Matching: a query word finds the words it starts ("hopsc" finds
   "hopscotch"), after dropping a plural or verb ending ("buttoning" finds
   "buttons"); a word found nowhere is matched to a word one typing slip away
   ("sissors"); a word of a group of synonyms in data/search.yml also finds
   the others ("treatment": intervention, training). Stop words, and the words
   data/search.yml says to ignore, are left out (unless nothing else is left);
   question words and feelings ("worried", "normal") and ages ("4 year old",
   "18 months", "two year old", "2yo", "toddler") rank pages but never keep one
   out; `-word` leaves out the pages that have it.

   Ranking: pages that have every word come first, by the weights the index
   holds (titles and h1s first, then topics, aliases, headings and text), the
   pages for the age asked about first (for one age, its milestone checklist,
   then the next one), the exact phrase first among them. When no page has
   every word, those with the most (and the rarest) come, and the answer's
   `note` says so; it also says when nothing matches, and, for a word of
   data/search.yml's out_of_scope, what the site covers, with the milestone
   page and CDC's checklist for the age. search-config.js draws the note. */
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;  // Material's SearchMessageType

const ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#x27;": "'", "&#39;": "'"};
const NOT_WORD = /[^\p{L}\p{N}\p{M}]+/u;
const AGE = /(?:^|[^\p{L}\p{N}])(\d{1,2})\s*-?\s*(months?|mos?|m|years?|yrs?|yo|y)(?:\s*-?\s*olds?)?(?=$|[^\p{L}\p{N}])/u;
const TEASER = 300;  // characters of text shown under a result, around the first match
const SHOWN = 12;  // pages listed: the best that match every word, or else the most words
// Ages written in words ("two year old"): the numbers a parent writes out.
const NUMBERS = {one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11,
  twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, twenty: 20,
  "twenty four": 24, thirty: 30, "thirty six": 36};
const NUMBER_AGE = new RegExp(`(?<![\\p{L}\\p{N}])(${Object.keys(NUMBERS).sort((a, b) => b.length - a.length)
  .join("|").replace(/ /g, "[\\s-]+")})(?=\\s*-?\\s*(?:months?|mos?|years?|yrs?|yo)(?![\\p{L}\\p{N}]))`, "gu");
const SYNONYM = 0.6;  // a page found through a synonym, against 1 for the word typed
const AGE_WEIGHT = 40;  // an age clause's weight for a page whose whole range is within it

let base = null, options = {};
const files = new Map();

/* A file of the index, fetched once. */
function load(path) {
  if (!files.has(path))
    files.set(path, fetch(new URL(path, base)).then(response => {
      if (!response.ok)
        throw new Error(`${path}: ${response.status}`);
      return response.json();
    }));
  return files.get(path);
}

/* The one tokenizer, as otkb/content/search_text.py (tests/search_tokens.json tests both): a word is a run of
   letters, digits and combining marks; a Han or kana character is a word of its own. Folding: lower case,
   without Latin accents, Arabic harakat, the tatweel or apostrophes. A query is typed text (`fold`, `words`);
   index text is HTML, its tags spaces and its six entities decoded once (`htmlWords`). */
const OPTIONAL_MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u064b-\u065f\u0670\u0640]/g;
const CJK = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\u{20000}-\u{2ffff}";
const WORD = new RegExp(`[${CJK}]|(?:(?![${CJK}])[\\p{L}\\p{N}]|\\p{M})+`, "gu");
const IS_CJK = new RegExp(`^[${CJK}]$`, "u");

function fold(text) {
  text = text.toLowerCase();
  if (/[^\x00-\x7f]/.test(text))
    text = text.normalize("NFD").replace(OPTIONAL_MARKS, "").normalize("NFC");
  return text.replace(/['’]/g, "");
}

function words(text) {
  return fold(text || "").match(WORD) || [];
}

function htmlWords(value) {
  let text = Array.isArray(value) ? value.join(" ") : value || "";
  if (text.includes("<"))
    text = text.replace(/<[^>]*>/g, " ");
  if (text.includes("&"))
    text = text.replace(/&(?:amp|lt|gt|quot|#x27|#39);/g, entity => ENTITIES[entity]);
  return words(text);
}

/* The file of a word's shard: its first three characters (as `shard_name` in search_shards.py). */
function shardName(term) {
  const key = [...term].slice(0, 3).join("");
  if (/^[a-z0-9]+$/.test(key))
    return key;
  return "u" + [...new TextEncoder().encode(key)].map(byte => byte.toString(16).padStart(2, "0")).join("");
}

/* A word without its plural or verb ending: buttons, buttoning, buttoned -> button; babies -> baby. */
function stem(term) {
  let s = term;
  if (s.length > 4 && s.endsWith("ies"))
    s = s.slice(0, -3) + "y";
  else if (s.length > 4 && /(?:ss|ch|sh|x|z)es$/.test(s))
    s = s.slice(0, -2);
  else if (s.length > 3 && s.endsWith("s") && !/(?:ss|us|is)$/.test(s))
    s = s.slice(0, -1);
  else if (s.length > 5 && s.endsWith("ing"))
    s = s.slice(0, -3);
  else if (s.length > 4 && s.endsWith("ed"))
    s = s.slice(0, -2);
  if (s !== term && /([b-df-hj-np-tv-z])\1$/.test(s) && !/(?:ll|ss|zz)$/.test(s))
    s = s.slice(0, -1);  // sitting -> sit
  return s.length >= 3 ? s : term;
}

/* Whether two words are one typing slip apart: a letter added, dropped, changed or two swapped. */
function oneSlip(a, b) {
  if (Math.abs(a.length - b.length) > 1 || a === b)
    return false;
  let i = 0;
  while (i < a.length && a[i] === b[i])
    i++;
  if (a.length === b.length)
    return a.slice(i + 1) === b.slice(i + 1) ||
      (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/* The query's clauses, in order: words ({term, excluded, soft}) and ages ({age: [min, max], label}).
   A word is required unless it is soft: a question word or feeling (meta.soft: "worried", "normal"), a
   word the site does not cover (out_of_scope: "sleep") or an age ranks the pages that have it first but
   never keeps a page out. Stop words and data/search.yml's
   words to ignore are left out, unless the query has nothing else ("children"). */
function parse(query, meta) {
  let text = fold(query.replace(/[*~^]/g, " ").replace(/(^|\s)\+/g, "$1"))
    .replace(NUMBER_AGE, number => String(NUMBERS[number.replace(/[\s-]+/g, " ")]));
  const clauses = [];
  for (let match; (match = AGE.exec(text));) {
    const months = Number(match[1]) * (match[2][0] === "m" ? 1 : 12);
    clauses.push({age: [months, months], label: match[0].trim()});
    text = text.slice(0, match.index) + " " + text.slice(match.index + match[0].length);
  }
  const list = text.split(/\s+/).filter(Boolean)
    .flatMap(chunk => words(chunk).map(word => ({word, excluded: chunk[0] === "-"})));
  for (const [phrase, range] of meta.ages) {  // age words, longest first: "school age" before "age"
    const wanted = words(phrase).map(stem);
    for (let at = 0; at + wanted.length <= list.length; at++)
      if (wanted.every((w, k) => stem(list[at + k].word) === w)) {
        clauses.push({age: range, label: phrase, word: list.slice(at, at + wanted.length).map(x => x.word).join(" ")});
        list.splice(at, wanted.length);
      }
  }
  const typing = !/\s$/.test(query);
  const dropped = [];
  list.forEach(({word: term, excluded}, number) => {
    if (clauses.some(c => c.term === term) || dropped.some(c => c.term === term))
      return;
    if (meta.stop.has(term) || meta.ignore.includes(term) ||
        (term.length === 1 && !IS_CJK.test(term) && typing && number === list.length - 1))
      dropped.push({term, excluded});  // a word that says nothing, or a letter just typed (wait for the word)
    else
      clauses.push({term, excluded, soft: meta.soft.has(term) || Boolean(outOfScope(meta, term))});
  });
  return clauses.some(clause => !clause.excluded) ? clauses : clauses.concat(dropped);
}

/* The pages of a word clause, with its synonyms' pages (data/search.yml) a little below. */
async function wordPages(meta, clause) {
  const own = await postings(meta, clause.term, clause.excluded);
  const group = clause.excluded ? null : meta.synonyms.get(stem(clause.term));
  if (!group)
    return own;
  const others = group.filter(word => stem(word) !== stem(clause.term));
  const found = await Promise.all(others.map(word => postings(meta, word, false, false)));
  const pages = new Map(own.pages);
  for (const other of found)
    for (const [page, weight] of other.pages)
      pages.set(page, Math.max(pages.get(page) || 0, SYNONYM * weight));
  return {pages, marks: [...own.marks, ...found.flatMap(other => other.marks)]};
}

/* The pages holding a word (`asTyped`: only words that start with it, as typed, for a -word; `guess`: a
   word one slip away, or two words, when none is found): {pages: Map(page -> weight), marks: [to mark]}. */
async function postings(meta, term, asTyped = false, guess = !asTyped) {
  const root = term.length < 3 || asTyped ? term : stem(term);
  const shard = meta.shards.has(shardName(root)) ? await load(`t/${shardName(root)}.json`) : {};
  let found = Object.keys(shard).filter(word => term.length < 3 ? word === term : word.startsWith(root))
    .map(word => [word, word === term || word === root ? 1 : word.length - root.length <= 3 ? 0.8 : 0.5]);
  let marks = [root];
  if (!found.length && guess && term.length >= 4 && meta.letters.has(shardName(term[0]))) {  // one typing slip
    const close = (await load(`w/${shardName(term[0])}.json`)).filter(word => oneSlip(term, word));
    found = close.map(word => [word, 0.7]);
    marks = close;
    const shards = await Promise.all(close.map(word => load(`t/${shardName(word)}.json`)));
    shards.forEach((s, k) => Object.assign(shard, {[close[k]]: s[close[k]]}));
  }
  if (!found.length && guess && term.length >= 6)  // two words run together: "playdough"
    return joined(meta, term);
  const pages = new Map();
  for (const [word, factor] of found) {
    const coded = shard[word];
    for (let at = 0, page = 0; at < coded.length; at += 2) {
      page += coded[at];
      const weight = factor * (2 ** (coded[at + 1] / 8) - 1);
      if (weight > (pages.get(page) || 0))
        pages.set(page, weight);
    }
  }
  return {pages, marks: found.length ? marks : []};
}

/* The pages holding both halves of a word written as one ("playdough" for "play dough"), if any split has both. */
async function joined(meta, term) {
  for (let at = 3; at <= term.length - 3; at++) {
    const [a, b] = [term.slice(0, at), term.slice(at)];
    const lists = [a, b].map(half => meta.letters.has(shardName(half[0])) ? load(`w/${shardName(half[0])}.json`) : []);
    const [wordsA, wordsB] = await Promise.all(lists);
    if (!wordsA.includes(a) || !wordsB.includes(b))
      continue;
    const [first, second] = await Promise.all([postings(meta, a), postings(meta, b)]);
    const pages = new Map([...first.pages].filter(([page]) => second.pages.has(page))
      .map(([page, weight]) => [page, Math.min(weight, second.pages.get(page))]));
    if (pages.size)
      return {pages, marks: [a, b]};
  }
  return {pages: new Map(), marks: []};
}

/* The pages of an age clause: those whose age range overlaps it, first those that lie most within it
   (for one age, the narrowest); the pages with its word in their text; and for one age the milestone
   checklist for it and the next one. An age never keeps a page out: it ranks (`tiers`). */
async function agePages(meta, clause) {
  const pages = new Map();
  const [low, high] = clause.age;
  for (const [page, min, max] of await load("ages.json"))
    if (min <= high && max >= low)
      pages.set(page, AGE_WEIGHT * (Math.min(max, high) - Math.max(min, low) + 6) / (max - min + 6));
  if (clause.word && !NOT_WORD.test(clause.word))  // "toddler" in a text; not "school" for "school age"
    for (const [page, weight] of (await postings(meta, clause.word, false, false)).pages)
      pages.set(page, Math.max(weight, pages.get(page) || 0));
  // Ranked first among pages with the same words: for one age, its milestone checklist, then the next
  // one; then the pages for that age; the others after them.
  const tiers = new Map([...pages.keys()].map(page => [page, 1]));
  checklists(meta, clause).forEach((checklist, k) => {
    if (checklist) {
      tiers.set(checklist[1], 3 - k);
      pages.set(checklist[1], Math.max(AGE_WEIGHT / (k + 1), pages.get(checklist[1]) || 0));
    }
  });
  return {pages, marks: [], tiers};
}

/* For an age clause of one age: [the milestone checklist for that age (the last one at or before it),
   the next one], each [months, page, location, title, checklist address] from meta.json, or undefined. */
function checklists(meta, clause) {
  if (clause.age[0] !== clause.age[1] || !meta.milestones.length)
    return [];
  const at = meta.milestones.findLastIndex(([months]) => months <= clause.age[0]);
  return at === -1 ? [undefined, meta.milestones[0]] : [meta.milestones[at], meta.milestones[at + 1]];
}

/* The entries of a page: [its own entry, its sections]. */
async function entriesOf(meta, page) {
  return (await load(`d/${Math.floor(page / meta.chunk)}.json`))[page % meta.chunk];
}

/* Wraps the words that start with a found term in <mark>, never inside an entity (&amp;) or a tag (<li>). */
function marker(terms) {
  if (!terms.length)
    return {mark: text => text, first: () => -1, test: () => false};
  const escaped = terms.map(term => term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  const words = new RegExp(`(^|[^\\p{L}\\p{N}\\p{M}&#</'’])((?:${escaped})[\\p{L}\\p{N}\\p{M}]*)`, "giu");
  const first = new RegExp(`(?:^|[^\\p{L}\\p{N}\\p{M}&#</'’])(?:${escaped})`, "iu");
  return {mark: text => text.replace(words, "$1<mark>$2</mark>"), first: text => text.search(first),
          test: text => first.test(htmlWords(text).join(" "))};
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

function item(doc, {mark, first}, score, terms) {
  const result = {location: doc.location, title: mark(doc.title), text: mark(teaser(doc.text || "", first)),
                  score, terms};
  if (doc.tags)
    result.tags = doc.tags.map(mark);
  return result;
}

/* What the page shows above the results (search-config.js draws it): that no page has every word
   (`partial`: how many pages have some) or any word (`none`, with the activity finder), and for a
   question the site does not cover (data/search.yml's out_of_scope), what it covers, with the
   milestone page and CDC's full checklist for the age asked about. */
function note(meta, query, clauses, shown, partial) {
  const out = {query: query.trim()};
  if (!shown)
    out.none = {finder: meta.finder};
  else if (partial)
    out.partial = {pages: shown};
  const scope = [...new Set(clauses.filter(clause => clause.term && !clause.excluded)
    .map(clause => outOfScope(meta, clause.term)).filter(Boolean))];
  if (scope.length) {
    const age = clauses.find(clause => clause.age && checklists(meta, clause)[0]);
    const [, , location, title, checklist] = age ? checklists(meta, age)[0] : [];
    out.scope = {words: scope, milestone: location ? [location, title] : null, checklist: checklist || null,
                 milestones: meta.milestones_listing || null};
  }
  return out;
}

/* The word of data/search.yml's out_of_scope that a query word, or a synonym of it, is ("feeding" for
   "eater"), or undefined. */
function outOfScope(meta, term) {
  const group = meta.synonyms.get(stem(term)) || [term];
  return meta.out_of_scope.find(word => group.some(other => stem(other) === stem(word)));
}

/* The completion Material shows for the last word: from the best title that starts a word with it. */
function suggestion(groups, clauses) {
  const last = clauses.filter(clause => clause.term && !clause.excluded).pop();
  for (const [{title}] of groups) {
    const word = last && htmlWords(title).find(w => w.startsWith(last.term));
    if (word)
      return [word];
  }
  return [];
}

async function search(query) {
  if (!/[\p{L}\p{N}]/u.test(query))  // Material asks with the empty box as a page opens
    return {items: []};
  const meta = await load("meta.json").then(prepare);
  const clauses = parse(query, meta);
  const wanted = clauses.filter(clause => !clause.excluded);
  if (!wanted.length)
    return {items: []};
  const found = await Promise.all(clauses.map(clause => clause.age ? agePages(meta, clause) : wordPages(meta, clause)));
  const required = wanted.filter(clause => clause.term && !clause.soft).length;
  const scores = new Map();  // page -> {score, count: required words it has, tier: an age's milestone checklist}
  clauses.forEach((clause, c) => {
    if (clause.excluded)
      return;
    const {pages, tiers} = found[c];
    const idf = Math.log(1 + (meta.pages - pages.size + 0.5) / (pages.size + 0.5));
    for (const [page, weight] of pages) {
      const score = scores.get(page) || scores.set(page, {score: 0, count: 0, tier: 0}).get(page);
      score.score += (clause.age ? 1 : idf) * weight;
      score.count += clause.term && !clause.soft ? 1 : 0;
      score.tier = Math.max(score.tier, (tiers && tiers.get(page)) || 0);
    }
  });
  clauses.forEach((clause, c) => {
    if (clause.excluded)
      for (const page of found[c].pages.keys())
        scores.delete(page);
  });
  const every = [...scores].filter(([, s]) => s.count === required);
  // No page has every word: those with the most, the rarest and in titles first (or, when none has a
  // required word, those with a soft word or the age).
  const partial = !every.length;
  const some = [...scores].filter(([, s]) => s.count > 0);
  const best = (partial ? (some.length ? some : [...scores]) : every)
    .sort((a, b) => b[1].count - a[1].count || b[1].tier - a[1].tier || b[1].score - a[1].score).slice(0, SHOWN);
  const marks = found.flatMap(({marks}, c) => clauses[c].excluded ? [] : marks);
  const highlight = marker(marks);
  const phrase = wanted.filter(clause => clause.term).map(clause => clause.term).join(" ");
  // Material highlights these on the page opened: the words found ("scissors" for "sissors"), not the typed ones.
  const terms = Object.fromEntries(marks.map(mark => [mark, true]));
  const groups = await Promise.all(best.map(async ([page, {score, tier}]) => {
    const entries = await entriesOf(meta, page);
    const exact = phrase.includes(" ") && entries.some(entry =>
      [entry.title, entry.heading, entry.text, entry.tags, entry.aliases].some(text => htmlWords(text).join(" ").includes(phrase)));
    const [own, ...sections] = entries;
    const shown = sections.filter(entry => highlight.test(entry.title) || highlight.test(entry.text));
    return {score: score * (exact ? 4 : 1), tier, count: scores.get(page).count,
            items: [item(own, highlight, score, terms),  // sections score lower: Material shows the page's
                    ...shown.map(entry => item(entry, highlight, score / 2, terms))]};  // text, them under "more"
  }));
  groups.sort((a, b) => b.count - a.count || b.tier - a.tier || b.score - a.score);
  const result = {items: groups.map(group => group.items), note: note(meta, query, clauses, groups.length, partial)};
  if (options.suggest)
    result.suggest = suggestion(result.items, clauses);
  return result;
}

/* meta.json with sets for lookups, once. */
function prepare(meta) {
  if (!meta.prepared) {
    meta.shards = new Set(meta.shards);
    meta.letters = new Set(meta.letters);
    meta.ages = Object.entries(meta.ages || {}).sort((a, b) => b[0].split(" ").length - a[0].split(" ").length);
    meta.ignore = (meta.ignore || []).map(fold);
    meta.stop = new Set(meta.stop || []);
    meta.soft = new Set(meta.soft || []);
    meta.synonyms = new Map((meta.synonyms || []).flatMap(group => group.map(word => [stem(word), group])));
    meta.out_of_scope = meta.out_of_scope || [];
    meta.milestones = meta.milestones || [];
    meta.prepared = true;
  }
  return meta;
}

let latest = null;
addEventListener("message", async ({data: message}) => {
  switch (message.type) {
    case SETUP:
      base = new URL("../../search/", self.location.href);
      options = (message.data && message.data.options) || {};
      postMessage({type: READY});
      break;
    case QUERY: {
      latest = message.data;
      let result;
      try {
        result = await search(message.data);
      } catch (error) {
        console.warn(`Search failed for ${JSON.stringify(message.data)}:`, error);
        result = {items: []};
      }
      if (message.data === latest)  // an answer to an older keystroke is not shown over a newer one
        postMessage({type: RESULT, data: result});
      break;
    }
  }
});
