/* The web editor: start Decap CMS with the generated config.yml, and read and write records as otkb's YAML.
 *
 * Decap's own YAML format cannot hold otkb's shapes, so each collection gets a format of its own
 * ("otkb-<kind>", named in config.yml):
 * - a point (or any text-or-fields value, marked `otkb_short`) is written as plain text when only its
 *   first field is filled, and plain text is read into that field;
 * - milestones' skills by area (marked `otkb_mapping`) are a list of {area, points} in the form and a
 *   mapping of area to points in the file;
 * - keys come in the models' order, empty text and empty objects are left out (an empty list is kept:
 *   `conditions: []` says something), lists are block lists,
 *   multi-line Markdown is a literal block, and every scalar is read as the text it is (dates stay
 *   2026-06-01, as the loader reads them).
 * Keys the form does not know are kept, after the others.
 */
window.CMS_MANUAL_INIT = true;

(function () {
  "use strict";

  function isEmpty(value) {
    if (value === null || value === undefined || value === "") return true;
    if (Array.isArray(value)) return value.length === 0;
    if (typeof value === "object") return Object.keys(value).every(function (key) { return isEmpty(value[key]); });
    return false;
  }

  // File -> form.
  function readValue(value, field) {
    if (value === null || value === undefined) return value;
    if (field.otkb_mapping && typeof value === "object" && !Array.isArray(value)) {
      var area = field.otkb_mapping[0], points = field.otkb_mapping[1];
      var pointsField = field.fields.filter(function (f) { return f.name === points; })[0];
      return Object.keys(value).map(function (key) {
        var item = {};
        item[area] = key;
        item[points] = readValue(value[key], pointsField);
        return item;
      });
    }
    if (field.widget === "list" && field.fields && Array.isArray(value)) {
      return value.map(function (item) {
        if (typeof item === "string" && field.otkb_short) {
          var full = {};
          full[field.otkb_short] = item;
          item = full;
        }
        return readObject(item, field.fields);
      });
    }
    if (field.widget === "object" && typeof value === "object") return readObject(value, field.fields);
    return value;
  }

  function readObject(data, fields) {
    if (typeof data !== "object" || data === null) return data;
    var out = {};
    Object.keys(data).forEach(function (key) {
      var field = fields.filter(function (f) { return f.name === key; })[0];
      out[key] = field ? readValue(data[key], field) : data[key];
    });
    return out;
  }

  // Form -> file.
  function writeValue(value, field) {
    if (field.otkb_mapping && Array.isArray(value)) {
      var area = field.otkb_mapping[0], points = field.otkb_mapping[1];
      var pointsField = field.fields.filter(function (f) { return f.name === points; })[0];
      var mapping = {};
      value.forEach(function (item) {
        if (item && item[area]) mapping[item[area]] = writeValue(item[points] || [], pointsField);
      });
      return mapping;
    }
    if (field.widget === "list" && field.fields && Array.isArray(value)) {
      return value.filter(function (item) { return !isEmpty(item); }).map(function (item) {
        var written = writeObject(item, field.fields);
        var keys = Object.keys(written);
        if (field.otkb_short && keys.length === 1 && keys[0] === field.otkb_short) return written[field.otkb_short];
        return written;
      });
    }
    if (field.widget === "list" && Array.isArray(value)) {
      return value.filter(function (item) { return !isEmpty(item); });
    }
    if (field.widget === "object") return writeObject(value, field.fields);
    return typeof value === "string" ? value.replace(/\r\n?/g, "\n") : value;
  }

  function writeObject(data, fields) {
    var out = {};
    fields.forEach(function (field) {
      var value = data[field.name];
      if (Array.isArray(value) && value.length === 0) {
        out[field.name] = [];  // said on purpose, like `conditions: []` (typically developing children)
      } else if (!isEmpty(value)) {
        value = writeValue(value, field);
        if (!isEmpty(value)) out[field.name] = value;
      }
    });
    Object.keys(data).forEach(function (key) {  // fields the form does not know stay as they were
      if (!(key in out) && !fields.some(function (f) { return f.name === key; }) && !isEmpty(data[key])) {
        out[key] = data[key];
      }
    });
    return out;
  }

  function format(collection) {
    return {
      fromFile: function (text) {
        return readObject(jsyaml.load(text, {schema: jsyaml.FAILSAFE_SCHEMA}) || {}, collection.fields);
      },
      toFile: function (data) {
        return jsyaml.dump(writeObject(data, collection.fields),
                           {schema: jsyaml.FAILSAFE_SCHEMA, lineWidth: -1, noRefs: true, noArrayIndent: false});
      },
    };
  }

  function start() {
    fetch("config.yml", {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) throw new Error("config.yml: " + response.status);
      return response.text();
    }).then(function (text) {
      var config = jsyaml.load(text);
      config.collections.forEach(function (collection) {
        window.CMS.registerCustomFormat("otkb-" + collection.name, "yml", format(collection));
      });
      config.load_config_file = false;
      window.CMS.init({config: config});
    });
  }

  window.otkbAdmin = {format: format};  // tests/browser/test_web_editor.py reads and writes records with it
  document.addEventListener("DOMContentLoaded", start);
})();
