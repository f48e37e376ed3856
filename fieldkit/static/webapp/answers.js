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
  var METADATA = ["start", "end", "today", "deviceid", "username", "email", "phonenumber", "simserial", "subscriberid"];
  /* forms/metadata.py TEXT_TYPES: kept as a short text. */
  var METADATA_TEXTS = ["deviceid", "username", "email", "phonenumber", "simserial", "subscriberid"];
  var MAX_DEVICE_ID = 200;
  var MOMENT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-](\d{2}):?(\d{2}))$/;

  function metadataValue(q, value) {
    if (typeof value !== "string" || !value.trim()) return null;
    value = value.trim();
    if (METADATA_TEXTS.indexOf(q.type) >= 0) return Array.from(value).length <= MAX_DEVICE_ID ? value : null;
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

  /* forms/metadata.py record: `raw` with each missing metadata value filled in (start, today, deviceid, username;
     end with `completed`). email, phonenumber, simserial and subscriberid stay empty: a browser has none. */
  function record(form, raw, options) {
    var filled = Object.assign({}, raw), start = options.started ? localMoment(options.started) : null;
    var values = { start: start, today: start ? start.slice(0, 10) : null,
      end: options.completed ? localMoment(options.completed) : null, deviceid: options.deviceId || null,
      username: options.username || null };
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
      var byId = {}, sectionOf = {}, columns = {};
      form.sections.forEach(function (s) {
        s.questions.forEach(function (q) {
          byId[q.id] = q;
          sectionOf[q.id] = s;
          (q.questions || []).forEach(function (child) { byId[child.id] = child; columns[child.id] = q.id; });
        });
      });
      form._index = { byId: byId, sectionOf: sectionOf, columns: columns };
    }
    return form._index;
  }

  /* The key of a question (or one of its fields) in one instance of a repeat: s.people[2].name (model.instance_key). */
  function instanceKey(repeatId, number, name) {
    var rest = name.indexOf(repeatId + ".") === 0 ? name.slice(repeatId.length + 1) : name;
    return repeatId + "[" + number + "]." + rest;
  }

  /* What one instance of a repeat is called, numbered from 1: "Person 2" (Question.instance_text). */
  function instanceText(repeat, lang, number) {
    return labelIn(repeat.instance_label, lang, labelIn(repeat.label, lang, repeat.id)) + " " + number;
  }

  /* A repeat's raw instances: a list of mappings (at most 200), as answers.instances. */
  var MAX_INSTANCES = 200;
  function instances(repeat, raw) {
    var value = get(raw, repeat.id);
    if (!Array.isArray(value)) return [];
    return value.slice(0, MAX_INSTANCES).map(function (entry) { return isDict(entry) ? entry : {}; });
  }

  function answerable(q) { return q.type !== "note" && q.type !== "derived" && !isMetadata(q); }

  /* The derived values for cleaned answers: {id: value}; skipped or missing ones have no key.
   * Outside a repeat, one of its questions stands for its answers over the instances (for count() and sum()). */
  function derive(form, answers) {
    var columns = index(form).columns;
    return derivedValues(form, form.derived_order || [], form.booleans || [], function (qid) {
      if (Object.prototype.hasOwnProperty.call(columns, qid)) {
        var found = get(answers, columns[qid]);
        return Array.isArray(found) ? found.filter(isDict).map(function (i) { return get(i, qid); }) : null;
      }
      return get(answers, qid);
    });
  }

  function derivedValues(form, ids, booleans, read) {
    var idx = index(form), values = {};
    var lookup = function (qid) { return ids.indexOf(qid) >= 0 ? get(values, qid) : read(qid); };
    var answers = function (qid) { return read(qid); };
    ids.forEach(function (qid) {
      var q = idx.byId[qid], section = idx.sectionOf[qid];
      // its conditions may read derived values computed before it (derived_order puts them first)
      var on = Expr.evaluate(section && section.relevant || ["lit", true], lookup) &&
        (!q.relevant || Expr.evaluate(q.relevant, lookup));
      if (!on) return;
      var value = Expr.result(Expr.value(q.expression, lookup, booleans));
      if (value !== null) values[qid] = value;
    });
    return values;
  }

  /* The derived values of one instance (derived.evaluate_instance): its own answers first, then the rest. */
  function deriveInstance(form, repeat, own, answers) {
    var values = derivedValues(form, repeat.derived_order || [], repeat.booleans || [], function (qid) {
      return Object.prototype.hasOwnProperty.call(own, qid) ? own[qid] : get(answers, qid);
    });
    var mine = {};
    repeat.questions.forEach(function (child) { if (child.expression && qidIn(values, child.id)) mine[child.id] = values[child.id]; });
    return mine;
  }

  function qidIn(values, qid) { return Object.prototype.hasOwnProperty.call(values, qid); }

  /* One question's cleaning into `result`: its value into `into`, or an error (prefixed for an instance). */
  function cleanInto(form, q, raw, key, into, result, lang, partial, prefix) {
    var cleaned;
    try {
      cleaned = cleanValue(q, raw);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      result.errors[key] = prefix + message(form, e.code, lang, e.params);
      return;
    }
    var value = cleaned[0];
    if (value === null) {
      if (q.required && !partial) result.errors[key] = prefix + message(form, "required", lang);
      return;
    }
    var unfit = unoffered(form, q, value, function (qid) {
      var own = into === result.answers ? undefined : into[qid];
      return own !== undefined ? own : get(result.answers, qid);
    });
    if (unfit) { result.errors[key] = prefix + message(form, "filtered", lang, unfit); return; }
    if (q.type === "matrix" && q.required && !partial && Object.keys(value).length < q.items.length) {
      result.errors[key] = prefix + message(form, "required_rows", lang);
    }
    into[q.id] = value;
    Object.keys(cleaned[1]).forEach(function (k) { into[k] = cleaned[1][k]; });
  }

  /* answers._clean_repeat: each instance by its questions' rules, keyed by instanceKey; then min and max. */
  function cleanRepeat(form, repeat, raw, result, partial, lang) {
    var cleaned = [], inside = { errors: {}, warnings: [], derived: {} };
    instances(repeat, raw).forEach(function (given, i) {
      var number = i + 1, own = {};
      var lookup = function (ref) { return Object.prototype.hasOwnProperty.call(own, ref) ? own[ref] : get(result.answers, ref); };
      repeat.questions.forEach(function (child) {
        if (!answerable(child)) return;
        var key = instanceKey(repeat.id, number, child.id);
        if (child.relevant && !Expr.evaluate(child.relevant, lookup)) { result.skipped.push(key); return; }
        cleanInto(form, child, given, key, own, result, lang, partial,
          instanceText(repeat, lang, number) + ": " + labelIn(child.label, lang, child.id) + ": ");
      });
      var values = deriveInstance(form, repeat, own, result.answers);
      Object.keys(values).forEach(function (qid) {
        var key = instanceKey(repeat.id, number, qid), rule = index(form).byId[qid];
        result.derived[key] = values[qid];
        if (rule.rule === "constraint" && values[qid] === false) {
          result.errors[key] = instanceText(repeat, lang, number) + ": " + labelIn(rule.message, lang, labelIn(rule.label, lang, rule.id));
        } else if (rule.rule === "check" && values[qid] === false) result.warnings.push(key);
      });
      cleaned.push(own);
    });
    var count = cleaned.length, name = labelIn(repeat.label, lang, repeat.id);
    var plural = function (code, n) {
      var texts = (form.messages && (form.messages[lang] || form.messages.sv)) || {};
      var pair = texts[code] || [code, code];
      return fill(n === 1 ? pair[0] : pair[1], { label: name, num: String(n) });
    };
    if (repeat.min && count < repeat.min && !partial) result.errors[repeat.id] = plural("repeat_min", repeat.min);
    else if (repeat.max !== undefined && repeat.max !== null && count > repeat.max) result.errors[repeat.id] = plural("repeat_max", repeat.max);
    result.answers[repeat.id] = cleaned;
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
        if (q.type === "repeat") { cleanRepeat(form, q, raw, result, partial, lang); return; }
        cleanInto(form, q, raw, q.id, result.answers, result, lang, partial, "");
      });
    });
    var instanceValues = result.derived, instanceWarnings = result.warnings;  // computed per instance, above
    result.derived = derive(form, result.answers);
    broken(form, result.derived, "constraint").forEach(function (q) {
      result.errors[q.id] = labelIn(q.message, lang, labelIn(q.label, lang, q.id));
    });
    result.warnings = broken(form, result.derived, "check").map(function (q) { return q.id; });
    Object.keys(instanceValues).forEach(function (k) { result.derived[k] = instanceValues[k]; });
    result.warnings = result.warnings.concat(instanceWarnings);
    return result;
  }

  /* The sections to show for draft values: relevant ones with something to answer (or only notes). */
  function sections(form, raw) {
    var cleaned = clean(form, raw, { partial: true });
    var skipped = cleaned.skipped;
    var shown = form.sections.filter(function (s) {
      if (!holds(s.relevant, cleaned.answers, form)) return false;
      if (s.questions.every(isMetadata)) return false;  // nothing but recorded facts: no page
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

  // -- ${section.question} in labels and help texts (forms/piping.py, forms/display.py) ----------------

  var REFERENCE = /\$\{([^{}]*)\}/g;
  var UNANSWERED = "\u2026";
  var YESNO = { ja: { sv: "Ja", en: "Yes" }, nej: { sv: "Nej", en: "No" } };

  function numberText(value, lang, decimals) {
    var locale = lang === "en" ? "en" : "sv-SE";
    // Python's round() first: a tie that a float holds exactly goes to the even digit.
    return new Intl.NumberFormat(locale, { maximumFractionDigits: decimals, useGrouping: true, roundingMode: "halfEven" })
      .format(+value)
      .replace(/\u2212/g, "-");
  }

  /* format_money: "12 500 kr" in Swedish, "SEK 12,500" in English. */
  function moneyText(value, lang) {
    var shown = numberText(value, lang, 0);
    return lang === "en" ? (shown.charAt(0) === "-" ? "-SEK\u00a0" + shown.slice(1) : "SEK\u00a0" + shown) : shown + "\u00a0kr";
  }

  function choiceText(q, code, lang) {
    var found = (q.choices || []).concat(q.special || []).find(function (c) { return c.code === code; });
    return found ? labelIn(found.label, lang, code) : null;
  }

  /* format_answer: one line of text for an answer, in `lang`. */
  function answerText(q, value, lang, answers) {
    if (value === null || value === undefined) return "";
    if (q.expression) {
      if (typeof value === "boolean") return YESNO[value ? "ja" : "nej"][lang] || YESNO[value ? "ja" : "nej"].sv;
      if (q.result === "money") return moneyText(value, lang);
      if ((q.result === "integer" || q.result === "decimal") && Expr.isNumber(value)) return numberText(value, lang, 2);
      return Expr.pyStr(value);
    }
    if (q.type === "repeat") {
      return (Array.isArray(value) ? value : []).map(function (instance, i) {
        instance = isDict(instance) ? instance : {};
        var parts = q.questions.filter(function (c) { return instance[c.id] !== undefined && instance[c.id] !== null; })
          .map(function (c) { return labelIn(c.label, lang, c.id) + ": " + answerText(c, instance[c.id], lang, instance); });
        return instanceText(q, lang, i + 1) + (parts.length ? " (" + parts.join("; ") + ")" : "");
      }).join(" \u00b7 ");
    }
    if (typeof value === "string" && specialsOf(q).indexOf(value) >= 0) return choiceText(q, value, lang);
    var type = q.type;
    if (type === "single" || type === "scale" || type === "yesno") {
      var text = choiceText(q, String(value), lang);
      return text === null ? Expr.pyStr(value) : text;
    }
    if (type === "multi") {
      return (Array.isArray(value) ? value : [value]).map(function (code) {
        var shownCode = choiceText(q, code, lang);
        shownCode = shownCode === null ? Expr.pyStr(code) : shownCode;
        var other = answers && get(answers, q.id + OTHER_SUFFIX);
        return code === q.other && other ? shownCode + ": " + other : shownCode;
      }).join("; ");
    }
    if (type === "money" && Expr.isNumber(value)) return moneyText(value, lang);
    if ((type === "integer" || type === "decimal") && Expr.isNumber(value)) return numberText(value, lang, 2);
    if (type === "matrix") {
      var rows = isDict(value) ? value : {};
      return q.items.map(function (item) {
        var code = rows[item.code];
        return labelIn(item.label, lang, item.code) + ": " + (code ? (choiceText(q, code, lang) || "") : "");
      }).join("; ");
    }
    if (type === "rank" && Array.isArray(value)) {
      return value.map(function (code, i) { return (i + 1) + ". " + (choiceText(q, code, lang) || code); }).join("; ");
    }
    if (type === "geopoint" && isDict(value)) return pointText(value, lang);
    if (type === "range" && Expr.isNumber(value)) return numberText(value, lang, 10);
    return Expr.pyStr(value);
  }

  function pointText(value, lang) {
    return ["lat", "lon"].filter(function (k) { return value[k] !== undefined; })
      .map(function (k) { return numberText(value[k], lang, 10); }).join(" ");
  }

  /* piping.display: the display text of one answer inside a label ("…" when unanswered). */
  function pipedText(q, value, lang, answers) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return UNANSWERED;
    if (typeof value === "string" && specialsOf(q).indexOf(value) >= 0) return answerText(q, value, lang, answers);
    if (q.type === "range" && Expr.isNumber(value)) return numberText(value, lang, 10);
    if (q.type === "rank" && Array.isArray(value)) {
      return value.map(function (code) { var c = choiceText(q, code, lang); return c === null ? Expr.pyStr(code) : c; }).join(", ");
    }
    if (q.type === "geopoint" && isDict(value)) return pointText(value, lang);
    if (q.type === "acknowledge") return Expr.pyStr(value);
    return answerText(q, value, lang, answers) || UNANSWERED;
  }

  /* piping.pipe: `text` with each ${section.question} replaced by that answer's display text. Plain text:
   * the page sets it as textContent. `answers` holds the cleaned answers and the derived values. */
  function pipe(form, text, answers, lang) {
    if (!text || text.indexOf("${") < 0) return text;
    var byId = index(form).byId;
    return text.replace(REFERENCE, function (all, ref) {
      var target = Object.prototype.hasOwnProperty.call(byId, ref) ? byId[ref] : null;
      return target ? pipedText(target, get(answers, ref), lang, answers) : all;
    });
  }

  root.FieldkitAnswers = {
    pipe: pipe, answerText: answerText,
    clean: clean, cleanValue: cleanValue, derive: derive, sections: sections, holds: holds,
    message: message, labelIn: labelIn, plain: plain, formatNumber: formatNumber, answerable: answerable,
    isMetadata: isMetadata, record: record, instanceKey: instanceKey, instanceText: instanceText, index: index,
    offered: offered
  };
})(typeof self !== "undefined" ? self : this);
