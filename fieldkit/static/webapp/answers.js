/* Clean raw values against a JSON form, as forms/answers.py's clean_answers does: types, limits,
 * relevance, derived values, broken constraints (errors) and checks (warnings).
 *
 * The browser uses it to guide the interviewer; the central cleans every revision again with the
 * Python engine, which stays the judge. Defines `FieldkitAnswers` on the global object; needs expr.js.
 */
(function (root) {
  "use strict";

  var Expr = root.FieldkitExpr;
  var MAX_TEXT = 20000;
  var OTHER_SUFFIX = "/annat";
  var SPACES = /[\s\u00a0\u202f]/g;

  function Invalid(code, params) { this.code = code; this.params = params || {}; }

  function isDict(v) { return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Number); }
  function isInt(v) { return typeof v === "number" && Number.isInteger(v); }
  function get(raw, key) { return Object.prototype.hasOwnProperty.call(raw, key) ? raw[key] : null; }

  function formatNumber(value, lang) {
    var locale = lang === "en" ? "en" : "sv-SE";
    // Babel writes a negative number with a hyphen-minus, Intl (sv) with U+2212: the Python engine's is kept.
    return new Intl.NumberFormat(locale, { maximumFractionDigits: 2, useGrouping: true }).format(+value).replace(/\u2212/g, "-");
  }

  function shown(value, lang) {
    if (isDict(value) && !(value instanceof Number)) return value[lang] || value.sv || "";
    if (Expr.isNumber(value)) return formatNumber(value, lang);
    return value;
  }

  function fill(template, params) {
    return template.replace(/%\((\w+)\)s/g, function (_all, name) { return String(params[name]); });
  }

  /* The message for an error code in `lang`, from the messages the JSON form carries. */
  function message(form, code, lang, params) {
    var texts = (form.messages && (form.messages[lang] || form.messages.sv)) || {};
    var text = texts[code];
    params = params || {};
    var values = {};
    Object.keys(params).forEach(function (key) { values[key] = shown(params[key], lang); });
    if (Array.isArray(text)) {
      values.num = values.limit;
      return fill(params.limit === 1 ? text[0] : text[1], values);
    }
    return fill(text || code, values);
  }

  function labelIn(labels, lang, fallback) {
    if (!labels) return fallback;
    if (labels[lang]) return labels[lang];
    for (var key in labels) if (labels[key]) return labels[key];
    return fallback;
  }

  function scalar(value) {
    if (Array.isArray(value)) {
      value = value.find(function (v) { return v !== null && v !== undefined && v !== ""; });
    }
    if (value === undefined || value === null || (typeof value === "string" && !value.trim())) return null;
    return value;
  }

  function codesOf(q) { return (q.choices || []).map(function (c) { return c.code; }); }
  function specialsOf(q) { return (q.special || []).map(function (c) { return c.code; }); }

  function cleanChoice(q, value) {
    var code = typeof value === "string" ? value.trim() : (isInt(value) ? String(value) : null);
    if (codesOf(q).indexOf(code) < 0) throw new Invalid("choice");
    return code;
  }

  function whole(value, type) {
    if (typeof value === "boolean") throw new Invalid(type);
    if (value instanceof Number) return +value;
    if (typeof value === "number") {
      if (isFinite(value) && Number.isInteger(value)) return value;
      throw new Invalid(type);
    }
    if (typeof value !== "string") throw new Invalid(type);
    var text = value.replace(SPACES, "");
    if (type === "money") text = text.replace(/(kr|sek|:-)$/i, "");
    if (!/^-?\d{1,15}$/.test(text)) throw new Invalid(type);
    return parseInt(text, 10);
  }

  function year(value) {
    var n;
    try {
      n = whole(typeof value === "string" ? value.trim() : value, "integer");
    } catch (e) {
      throw new Invalid("year");
    }
    if (n < 1000 || n > 9999) throw new Invalid("year");
    return n;
  }

  function decimal(value) {
    if (typeof value === "boolean") throw new Invalid("decimal");
    var n;
    if (Expr.isNumber(value)) n = value;
    else if (typeof value === "string") {
      var text = value.replace(SPACES, "").replace(/,/g, ".");
      if (!/^-?\d{1,15}(\.\d{1,10})?$/.test(text)) throw new Invalid("decimal");
      n = Expr.pyFloat(parseFloat(text));
    } else throw new Invalid("decimal");
    if (!isFinite(+n)) throw new Invalid("decimal");
    return n;
  }

  function date(value) {
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) throw new Invalid("date");
    if (!Expr.isDate(value.trim())) throw new Invalid("date");
    return value.trim();
  }

  /* HH:MM from "9:30", "09.30" or "14:30:15" (seconds dropped), as forms/answers.py _time. */
  var TIME = /^([01]?\d|2[0-3])[:.]([0-5]\d)(?::[0-5]\d(?:\.\d+)?)?$/;

  function time(value) {
    var match = typeof value === "string" ? TIME.exec(value.trim()) : null;
    if (!match) throw new Invalid("time");
    return ("0" + parseInt(match[1], 10)).slice(-2) + ":" + match[2];
  }

  /* YYYY-MM-DDTHH:MM from a datetime-local value ("T" or a space between), as forms/answers.py _datetime. */
  function dateTime(value) {
    var text = typeof value === "string" ? value.trim() : "";
    var at = text.replace("T", " ").indexOf(" ");
    var day = at < 0 ? text : text.slice(0, at), clock = at < 0 ? "" : text.slice(at + 1);
    try {
      return date(day) + "T" + time(clock.trim());
    } catch (e) {
      throw new Invalid("datetime");
    }
  }

  /* forms/metadata.py clean: a recorded value if it has the form of its type, else null (never an error). */
  var METADATA = ["start", "end", "today", "deviceid"];
  var MAX_DEVICE_ID = 200;
  var MOMENT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-](\d{2}):?(\d{2}))$/;

  function metadataValue(q, value) {
    if (typeof value !== "string" || !value.trim()) return null;
    value = value.trim();
    if (q.type === "deviceid") return Array.from(value).length <= MAX_DEVICE_ID ? value : null;
    if (q.type === "today") return value.length === 10 && /^\d{4}-\d{2}-\d{2}$/.test(value) && Expr.isDate(value) ? value : null;
    // start, end: an ISO moment with its offset (Python's datetime.fromisoformat with tzinfo), at most 40 characters.
    var m = MOMENT.exec(value);
    if (!m || value.length > 40 || !Expr.isDate(value.slice(0, 10))) return null;
    if (+m[4] > 23 || +m[5] > 59 || (m[6] !== undefined && +m[6] > 59)) return null;
    if (m[9] !== undefined && (+m[9] > 23 || +m[10] > 59)) return null;
    return value;
  }

  function isMetadata(q) { return METADATA.indexOf(q.type) >= 0; }

  /* A moment in the browser's local time with its offset, to the second: 2025-03-04T09:15:02+01:00. */
  function localMoment(date) {
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var offset = -date.getTimezoneOffset(), sign = offset < 0 ? "-" : "+";
    offset = Math.abs(offset);
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" + pad(date.getHours()) +
      ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()) + sign + pad(Math.floor(offset / 60)) + ":" + pad(offset % 60);
  }

  /* forms/metadata.py record: `raw` with each missing metadata value filled in (start, today, deviceid; end with `completed`). */
  function record(form, raw, options) {
    var filled = Object.assign({}, raw), start = options.started ? localMoment(options.started) : null;
    var values = { start: start, today: start ? start.slice(0, 10) : null,
      end: options.completed ? localMoment(options.completed) : null, deviceid: options.deviceId || null };
    form.sections.forEach(function (section) {
      section.questions.forEach(function (q) {
        if (isMetadata(q) && metadataValue(q, get(filled, q.id)) === null && values[q.type]) filled[q.id] = values[q.type];
      });
    });
    return filled;
  }

  function limits(q, value) {
    var min = q.min === undefined ? null : q.min, max = q.max === undefined ? null : q.max;
    var show = function (limit) { return q.type === "year" ? String(limit) : limit; };
    var less = function (a, b) { return q.type === "date" ? a < b : +a < +b; };
    if (min !== null && less(value, min)) throw new Invalid("min", { limit: show(min) });
    if (max !== null && less(max, value)) throw new Invalid("max", { limit: show(max) });
    return value;
  }

  function cleanText(q, value, withPattern) {
    if (typeof value === "boolean" || !(typeof value === "string" || Expr.isNumber(value))) throw new Invalid("text");
    var text = Expr.isNumber(value) ? Expr.pyStr(value) : value;
    text = text.replace(/\r\n/g, "\n").replace(/\u0000/g, "").trim();
    if (q.type === "text") text = text.split(/\s+/).filter(Boolean).join(" ");
    var limit = q.max_length || MAX_TEXT;
    if (Array.from(text).length > limit) throw new Invalid("max_length", { limit: limit });
    if (withPattern && q.pattern && !new RegExp("^(?:" + q.pattern + ")$", "u").test(text)) throw new Invalid("pattern");
    return text;
  }

  function cleanMulti(q, value, raw) {
    var values = value === null || value === undefined || value === "" ? [] : (Array.isArray(value) ? value : [value]);
    var codes = codesOf(q), chosen = [];
    values.forEach(function (item) {
      if (item === null || item === undefined || item === "") return;
      var code = typeof item === "string" ? item.trim() : (isInt(item) ? String(item) : null);
      if (code === null || codes.indexOf(code) < 0) throw new Invalid("choice");
      if (chosen.indexOf(code) < 0) chosen.push(code);
    });
    if (!chosen.length) return [null, {}];
    ["vet_ej", "ej_aktuellt"].forEach(function (special) {
      if (chosen.indexOf(special) >= 0 && chosen.length > 1) {
        var choice = q.choices.find(function (c) { return c.code === special; });
        throw new Invalid("exclusive", { label: choice.label });
      }
    });
    chosen.sort(function (a, b) { return codes.indexOf(a) - codes.indexOf(b); });
    var extra = {};
    if (q.other && chosen.indexOf(q.other) >= 0) {
      var text = scalar(get(raw, q.id + OTHER_SUFFIX));
      if (typeof text !== "string" || !text.trim()) throw new Invalid("other");
      extra[q.id + OTHER_SUFFIX] = cleanText(q, text, false);
    }
    var substantive = chosen.filter(function (c) { return c !== "vet_ej" && c !== "ej_aktuellt"; }).length;
    if (substantive) {
      if (q.min !== undefined && q.min !== null && substantive < q.min) throw new Invalid("min_choices", { limit: q.min });
      if (q.max !== undefined && q.max !== null && substantive > q.max) throw new Invalid("max_choices", { limit: q.max });
    }
    return [chosen, extra];
  }

  function cleanMatrix(q, raw) {
    var given = get(raw, q.id), codes = codesOf(q), rows = {}, any = false;
    q.items.forEach(function (item) {
      var value = isDict(given) ? get(given, item.code) : get(raw, q.id + "/" + item.code);
      value = scalar(value);
      if (value === null) return;
      var code = typeof value === "string" ? value.trim() : (isInt(value) ? String(value) : null);
      if (codes.indexOf(code) < 0) throw new Invalid("choice");
      rows[item.code] = code;
      any = true;
    });
    return any ? rows : null;
  }

  /* range, rank, acknowledge and geopoint, as forms/answers.py _clean_more. */
  var MORE = ["range", "rank", "acknowledge", "geopoint"];
  var GEOPOINT_PARTS = ["lat", "lon", "alt", "acc"];

  function cleanMore(q, value, raw) {
    if (q.type === "geopoint") return geopoint(q, value, raw);
    if (q.type === "acknowledge") {
      value = scalar(value);
      if (value === null || value === false) return null;
      if (value === true || (typeof value === "string" && ["ok", "yes", "ja", "on", "1"].indexOf(value.trim().toLowerCase()) >= 0)) return "OK";
      throw new Invalid("choice");
    }
    if (q.type === "range") {
      value = scalar(value);
      if (typeof value === "string" && specialsOf(q).indexOf(value.trim()) >= 0) return value.trim();
      return value === null ? null : range(q, decimal(value));
    }
    return rank(q, value);
  }

  function range(q, n) {
    limits(q, n);
    var step = q.step === undefined || q.step === null ? 1 : q.step;
    var low = q.min === undefined || q.min === null ? 0 : q.min;
    var steps = (+n - low) / step;
    if (Math.abs(steps - Math.round(steps)) > 1e-9) throw new Invalid("step", { step: step, limit: low });
    if (q.whole_steps) return Math.round(+n);
    return Expr.pyFloat(Math.round((low + Math.round(steps) * step) * 1e10) / 1e10);
  }

  function rank(q, value) {
    if (value === null || value === undefined || value === "") return null;
    if (typeof value === "string") value = value.split(/\s+/).filter(Boolean);
    if (!Array.isArray(value)) throw new Invalid("rank");
    var order = value.filter(function (v) { return v !== null && v !== undefined && v !== ""; })
      .map(function (v) { return String(v).trim(); });
    if (!order.length) return null;
    var bad = value.some(function (v) { return !(typeof v === "string" || isInt(v)); });
    var codes = codesOf(q).slice().sort(), given = order.slice().sort();
    if (bad || codes.length !== given.length || codes.some(function (c, i) { return c !== given[i]; })) throw new Invalid("rank");
    return order;
  }

  function geopoint(q, value, raw) {
    var given = {};
    if (typeof value === "string" && value.trim()) {
      var words = value.split(/\s+/).filter(Boolean);
      if (words.length < 2 || words.length > 4) throw new Invalid("geopoint");
      words.forEach(function (w, i) { given[GEOPOINT_PARTS[i]] = w; });
    } else if (isDict(value)) {
      GEOPOINT_PARTS.forEach(function (part) { given[part] = get(value, part); });
    } else if (value === null || value === undefined || value === "") {
      GEOPOINT_PARTS.forEach(function (part) { given[part] = get(raw, q.id + "/" + part); });
    } else throw new Invalid("geopoint");
    GEOPOINT_PARTS.forEach(function (part) { given[part] = scalar(given[part]); });
    if (GEOPOINT_PARTS.every(function (part) { return given[part] === null; })) return null;
    if (given.lat === null || given.lon === null) throw new Invalid("geopoint");
    var point = {};
    GEOPOINT_PARTS.forEach(function (part) {
      if (given[part] === null) return;
      try {
        point[part] = Expr.pyFloat(+decimal(given[part]));
      } catch (e) {
        throw new Invalid("geopoint");
      }
    });
    if (!(+point.lat >= -90 && +point.lat <= 90 && +point.lon >= -180 && +point.lon <= 180) ||
        (point.acc !== undefined && +point.acc < 0)) throw new Invalid("geopoint_range");
    return point;
  }

  /* One question's raw value: [value or null, extra keys], or throws Invalid. */
  function cleanValue(q, raw) {
    var type = q.type;
    if (MORE.indexOf(type) >= 0) return [cleanMore(q, get(raw, q.id), raw), {}];
    if (type === "matrix") return [cleanMatrix(q, raw), {}];
    var value = get(raw, q.id);
    if (type === "multi") return cleanMulti(q, value, raw);
    value = scalar(value);
    if (value === null) return [null, {}];
    if (typeof value === "string" && specialsOf(q).indexOf(value.trim()) >= 0) return [value.trim(), {}];
    if (type === "single" || type === "scale" || type === "yesno") return [cleanChoice(q, value), {}];
    if (type === "integer" || type === "money") return [limits(q, whole(value, type)), {}];
    if (type === "year") return [limits(q, year(value)), {}];
    if (type === "decimal") return [limits(q, decimal(value)), {}];
    if (type === "date") return [limits(q, date(value)), {}];
    if (type === "time") return [time(value), {}];
    if (type === "datetime") return [dateTime(value), {}];
    return [cleanText(q, value, true), {}];
  }

  /* forms/model.py Question.offered: the codes a filtered question offers for earlier answers, or null. */
  function filterText(value) {
    if (value === null || value === undefined || typeof value === "boolean") return null;
    if (value === "vet_ej" || value === "ej_aktuellt") return null;
    if (Expr.isNumber(value)) return Number.isInteger(+value) ? String(+value) : Expr.pyStr(value);
    return typeof value === "string" ? value : null;
  }

  function offered(q, lookup) {
    if (!q.filter) return null;
    var names = Object.keys(q.filter), wanted = {};
    names.forEach(function (name) { wanted[name] = filterText(lookup(q.filter[name])); });
    var codes = [];
    (q.choices || []).forEach(function (c) {
      var fits = c.extra || names.every(function (name) {
        var own = name === "code" ? c.code : (c.attributes || {})[name];
        return wanted[name] !== null && own === wanted[name];
      });
      if (fits) codes.push(c.code);
    });
    return codes;
  }

  /* {choice, label} for a chosen code the filter does not offer (forms/answers.py _unoffered), else null. */
  function unoffered(form, q, value, lookup) {
    var codes = offered(q, lookup);
    if (codes === null) return null;
    var bad = (Array.isArray(value) ? value : [value]).find(function (code) { return codes.indexOf(code) < 0; });
    if (bad === undefined) return null;
    var choice = q.choices.find(function (c) { return c.code === bad; });
    var source = index(form).byId[q.filter[Object.keys(q.filter)[0]]];
    return { choice: choice.label, label: source ? source.label : {} };
  }

  function holds(tree, answers, form) {
    if (!tree) return true;
    return Expr.evaluate(tree, form ? conditionLookup(form, answers) : function (qid) { return get(answers, qid); });
  }

  /* forms/derived.py condition_lookup: an answer, or a derived value of the answers (computed when first asked). */
  function conditionLookup(form, answers) {
    var ids = form.derived_order || [], values = null;
    return function (qid) {
      if (ids.indexOf(qid) < 0) return get(answers, qid);
      if (values === null) values = derive(form, answers);
      return get(values, qid);
    };
  }

  function index(form) {
    if (!form._index) {
      var byId = {}, sectionOf = {};
      form.sections.forEach(function (s) {
        s.questions.forEach(function (q) { byId[q.id] = q; sectionOf[q.id] = s; });
      });
      form._index = { byId: byId, sectionOf: sectionOf };
    }
    return form._index;
  }

  function answerable(q) { return q.type !== "note" && q.type !== "derived" && !isMetadata(q); }

  /* The derived values for cleaned answers: {id: value}; skipped or missing ones have no key. */
  function derive(form, answers) {
    var idx = index(form), values = {}, ids = form.derived_order || [];
    var lookup = function (qid) { return ids.indexOf(qid) >= 0 ? get(values, qid) : get(answers, qid); };
    ids.forEach(function (qid) {
      var q = idx.byId[qid], section = idx.sectionOf[qid];
      // its conditions may read derived values computed before it (derived_order puts them first)
      if (!(Expr.evaluate(section.relevant || ["lit", true], lookup) && Expr.evaluate(q.relevant || ["lit", true], lookup))) return;
      var value = Expr.result(Expr.value(q.expression, lookup, form.booleans || []));
      if (value !== null) values[qid] = value;
    });
    return values;
  }

  function broken(form, values, rule) {
    var idx = index(form);
    return (form.derived_order || []).filter(function (qid) {
      return idx.byId[qid].rule === rule && values[qid] === false;
    }).map(function (qid) { return idx.byId[qid]; });
  }

  /* clean_answers: {answers, errors, skipped, derived, warnings}; `partial` for drafts. */
  function clean(form, raw, options) {
    options = options || {};
    var lang = options.lang || "sv", partial = Boolean(options.partial);
    var result = { answers: {}, errors: {}, skipped: [], derived: {}, warnings: [] };
    if (!isDict(raw)) raw = {};
    // Metadata is recorded, never asked: kept whatever the conditions, and known to all of them.
    form.sections.forEach(function (section) {
      section.questions.forEach(function (q) {
        if (!isMetadata(q)) return;
        var value = metadataValue(q, get(raw, q.id));
        if (value !== null) result.answers[q.id] = value;
      });
    });
    form.sections.forEach(function (section) {
      var on = holds(section.relevant, result.answers, form);
      section.questions.forEach(function (q) {
        if (!answerable(q)) return;
        if (!on || !holds(q.relevant, result.answers, form)) { result.skipped.push(q.id); return; }
        var cleaned;
        try {
          cleaned = cleanValue(q, raw);
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          result.errors[q.id] = message(form, e.code, lang, e.params);
          return;
        }
        var value = cleaned[0];
        if (value === null) {
          if (q.required && !partial) result.errors[q.id] = message(form, "required", lang);
          return;
        }
        var unfit = unoffered(form, q, value, function (qid) { return get(result.answers, qid); });
        if (unfit) { result.errors[q.id] = message(form, "filtered", lang, unfit); return; }
        if (q.type === "matrix" && q.required && !partial && Object.keys(value).length < q.items.length) {
          result.errors[q.id] = message(form, "required_rows", lang);
        }
        result.answers[q.id] = value;
        Object.keys(cleaned[1]).forEach(function (k) { result.answers[k] = cleaned[1][k]; });
      });
    });
    result.derived = derive(form, result.answers);
    broken(form, result.derived, "constraint").forEach(function (q) {
      result.errors[q.id] = labelIn(q.message, lang, labelIn(q.label, lang, q.id));
    });
    result.warnings = broken(form, result.derived, "check").map(function (q) { return q.id; });
    return result;
  }

  /* The sections to show for draft values: relevant ones with something to answer (or only notes). */
  function sections(form, raw) {
    var cleaned = clean(form, raw, { partial: true });
    var skipped = cleaned.skipped;
    var shown = form.sections.filter(function (s) {
      if (!holds(s.relevant, cleaned.answers, form)) return false;
      var asked = s.questions.filter(answerable);
      return !asked.length || asked.some(function (q) { return skipped.indexOf(q.id) < 0; });
    });
    return { cleaned: cleaned, sections: shown };
  }

  /* Values as JSON holds them (whole floats unboxed), for storing and comparing. */
  function plain(value) {
    if (Array.isArray(value)) return value.map(plain);
    if (isDict(value)) {
      var out = {};
      Object.keys(value).forEach(function (k) { out[k] = plain(value[k]); });
      return out;
    }
    return Expr.plain(value);
  }

  root.FieldkitAnswers = {
    clean: clean, cleanValue: cleanValue, derive: derive, sections: sections, holds: holds,
    message: message, labelIn: labelIn, plain: plain, formatNumber: formatNumber, answerable: answerable,
    isMetadata: isMetadata, record: record, offered: offered
  };
})(typeof self !== "undefined" ? self : this);
