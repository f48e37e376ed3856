/* The expression trees of forms/webjson.py, evaluated as forms/conditions.py and forms/arithmetic.py do.
 *
 * Plain script, no eval, no build step: it defines `FieldkitExpr` on the global object, for pages,
 * the service worker and tests alike. Values are what answers hold (numbers, codes, ISO dates as
 * text, lists, matrix objects) plus the dates (PyDate) and date differences (Span) arithmetic makes.
 * Python's floats and ints differ where a number is written as text ("3.0" against "3"): a float
 * with a whole value is a Number object here (see pyFloat), every other number a primitive.
 * tests/test_webapp_conformance.py checks that both engines agree.
 */
(function (root) {
  "use strict";

  var LIMIT = 1e15;
  var ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
  var FUNCTIONS = { count: 1, days: 1, "if": 1, max: 1, min: 1, round: 1, sum: 1 };

  // -- values --------------------------------------------------------------------------------

  function PyDate(ordinal) { this.ordinal = ordinal; }  // days since 1970-01-01
  function Span(days) { this.days = days; }
  var MIN_DATE = -719162, MAX_DATE = 2932896;  // 0001-01-01 and 9999-12-31

  function pyFloat(x) {
    // A Python float: whole values are boxed so that str() can write "3.0" as Python does.
    return Number.isInteger(x) ? new Number(x) : x;  // eslint-disable-line no-new-wrappers
  }
  function isNumber(v) { return typeof v === "number" || v instanceof Number; }
  function isFloat(v) { return v instanceof Number || (typeof v === "number" && !Number.isInteger(v)); }
  function asNumber(v) { return isNumber(v) ? +v : null; }
  function isDict(v) { return v !== null && typeof v === "object" && !Array.isArray(v) && !isNumber(v) &&
    !(v instanceof PyDate) && !(v instanceof Span); }

  function dateFromIso(text) {
    if (typeof text !== "string" || !ISO_DATE.test(text)) return null;
    var y = +text.slice(0, 4), m = +text.slice(5, 7), d = +text.slice(8, 10);
    if (y < 1 || m < 1 || m > 12 || d < 1) return null;
    var date = new Date(0);
    date.setUTCFullYear(y, m - 1, d);
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
    return new PyDate(Math.round(date.getTime() / 86400000));
  }
  function isoOf(pydate) {
    var date = new Date(pydate.ordinal * 86400000);
    var y = String(date.getUTCFullYear()), m = String(date.getUTCMonth() + 1), d = String(date.getUTCDate());
    return "0000".slice(y.length) + y + "-" + (m.length < 2 ? "0" : "") + m + "-" + (d.length < 2 ? "0" : "") + d;
  }
  function makeDate(ordinal) { return ordinal < MIN_DATE || ordinal > MAX_DATE ? null : new PyDate(ordinal); }
  function asDate(v) { return v instanceof PyDate ? v : dateFromIso(v); }

  function operand(v) {
    if (v instanceof Span) return v;
    if (isNumber(v)) return v;
    return asDate(v);
  }
  function whole(v) {
    var n = asNumber(v);
    return n === null || !Number.isInteger(n) ? null : n;
  }
  function finite(v) {
    var n = asNumber(v);
    if (n === null) return v;
    return !isFinite(n) || Math.abs(n) > LIMIT ? null : v;
  }

  // -- arithmetic (forms/arithmetic.py) ------------------------------------------------------

  function numeric(op, a, b) {
    var x = +a, y = +b, r;
    if (op === "+") r = x + y;
    else if (op === "-") r = x - y;
    else if (op === "*") r = x * y;
    else { if (y === 0) return null; r = x / y; }
    return op === "/" || isFloat(a) || isFloat(b) ? pyFloat(r) : r;
  }

  function binary(op, left, right) {
    var a = operand(left), b = operand(right);
    if (a === null || b === null) return null;
    var r;
    if (isNumber(a) && isNumber(b)) r = numeric(op, a, b);
    else {
      var aDate = a instanceof PyDate, bDate = b instanceof PyDate, aSpan = a instanceof Span, bSpan = b instanceof Span;
      r = null;
      if (op === "-" && aDate && bDate) r = new Span(a.ordinal - b.ordinal);
      else if ((op === "+" || op === "-") && aDate && (bSpan || whole(b) !== null)) {
        var days = bSpan ? b.days : whole(b);
        r = makeDate(op === "+" ? a.ordinal + days : a.ordinal - days);
      } else if (op === "+" && bDate && (aSpan || whole(a) !== null)) r = makeDate(b.ordinal + (aSpan ? a.days : whole(a)));
      else if ((op === "+" || op === "-") && aSpan && bSpan) r = new Span(op === "+" ? a.days + b.days : a.days - b.days);
    }
    return r === null ? null : finite(r);
  }

  function negate(value) {
    var v = operand(value);
    if (v instanceof Span) return new Span(-v.days);
    if (isNumber(v)) return isFloat(v) ? pyFloat(-v) : -v;
    return null;
  }

  function comparable(left, right) {
    var l = left instanceof PyDate || left instanceof Span, r = right instanceof PyDate || right instanceof Span;
    if (l || r) {
      var a = operand(left), b = operand(right);
      if (a === null || b === null || isNumber(a) || isNumber(b) || a.constructor !== b.constructor) return null;
      return a instanceof Span ? [a.days, b.days] : [a.ordinal, b.ordinal];
    }
    var x = asNumber(left), y = asNumber(right);
    if (x !== null && y !== null) return [x, y];
    if (typeof left === "string" && typeof right === "string") return [left, right];
    return null;
  }

  // Python's round half up on the shortest decimal form of a number (Decimal(repr(x)).quantize).
  function roundHalfUp(number, digits) {
    var parts = Math.abs(number).toExponential().split("e");  // shortest digits, as repr has them
    var mantissa = parts[0].replace(".", ""), exponent = +parts[1];
    var point = exponent + 1;  // digits before the decimal point
    var keep = point + digits;  // digits kept
    if (keep < 0) return 0;
    var padded = mantissa + new Array(Math.max(0, keep - mantissa.length + 1)).join("0");
    var kept = padded.slice(0, keep) || "0";
    var up = padded.charAt(keep) >= "5" && keep < padded.length;
    var value = BigInt(kept) + (up ? 1n : 0n);
    var text = value.toString();
    while (text.length <= digits) text = "0" + text;
    var shown = digits ? text.slice(0, text.length - digits) + "." + text.slice(text.length - digits) : text;
    var result = Number(shown);
    return number < 0 ? -result : result;
  }

  function call(name, args) {
    for (var i = 0; i < args.length; i++) if (args[i] === null || args[i] === undefined) return null;
    if (name === "count") {  // a repeat's instances, or how many answered one of its questions
      if (!Array.isArray(args[0])) return null;
      return args[0].filter(function (v) {
        return !(v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length) ||
          (typeof v === "object" && !Array.isArray(v) && !(v instanceof Number) && !Object.keys(v).length));
      }).length;
    }
    if (name === "sum") {  // one of a repeat's number questions over its instances; "don't know" adds nothing
      if (!Array.isArray(args[0])) return null;
      var total = 0, float = false;
      args[0].forEach(function (v) {
        var n = asNumber(v);
        if (n === null) return;
        float = float || v instanceof Number || !Number.isInteger(+v);
        total += +n;
      });
      return finite(float ? pyFloat(total) : total);
    }
    if (name === "days") return args[0] instanceof Span ? args[0].days : null;
    if (name === "min" || name === "max") {
      var numbers = args.map(asNumber);
      var pick = function (values, key) {
        var best = values[0];
        for (var j = 1; j < values.length; j++) {
          if (name === "min" ? key(values[j]) < key(best) : key(values[j]) > key(best)) best = values[j];
        }
        return best;
      };
      if (numbers.every(function (n) { return n !== null; })) return pick(args, function (v) { return +v; });
      var dates = args.map(asDate);
      if (dates.every(function (d) { return d !== null; })) return pick(dates, function (d) { return d.ordinal; });
      return null;
    }
    if (name === "round") {
      var number = asNumber(args[0]);
      var digits = args.length > 1 ? whole(args[1]) : 0;
      if (number === null || digits === null || digits < 0 || digits > 10) return null;
      var rounded = roundHalfUp(number, digits);
      return finite(digits === 0 ? rounded : pyFloat(rounded));
    }
    return null;
  }

  function result(value) {
    if (value instanceof PyDate) return isoOf(value);
    if (value instanceof Span) return null;
    return value === undefined ? null : finite(value);
  }

  // -- Python's str() where a comparison falls back to text ----------------------------------

  function reprFloat(x) {
    if (!isFinite(x)) return isNaN(x) ? "nan" : (x > 0 ? "inf" : "-inf");
    if (Number.isInteger(x) && Math.abs(x) < 1e16) return (Object.is(x, -0) ? "-0" : String(x)) + ".0";
    var parts = x.toExponential().split("e"), exponent = +parts[1];
    if (exponent < -4 || exponent >= 16) {
      var digits = parts[0], sign = exponent < 0 ? "-" : "+", size = String(Math.abs(exponent));
      return digits + "e" + sign + (size.length < 2 ? "0" : "") + size;
    }
    return String(x);
  }
  function reprText(text) {
    var quote = text.indexOf("'") >= 0 && text.indexOf('"') < 0 ? '"' : "'";
    var out = text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
    if (quote === "'") out = out.replace(/'/g, "\\'");
    return quote + out + quote;
  }
  function repr(v) { return typeof v === "string" ? reprText(v) : pyStr(v); }
  function pyStr(v) {
    if (v === null || v === undefined) return "None";
    if (v === true) return "True";
    if (v === false) return "False";
    if (isNumber(v)) return isFloat(v) ? reprFloat(+v) : String(v);
    if (typeof v === "string") return v;
    if (Array.isArray(v)) return "[" + v.map(repr).join(", ") + "]";
    if (isDict(v)) return "{" + Object.keys(v).map(function (k) { return reprText(k) + ": " + repr(v[k]); }).join(", ") + "}";
    return String(v);
  }

  // -- conditions (forms/conditions.py) ------------------------------------------------------

  function literal(node) { return node[0] === "float" ? pyFloat(node[1]) : node[1]; }

  function compare3(op, left, right) {
    if (left === null || left === undefined || right === null || right === undefined) return null;
    var pair = comparable(left, right);
    if (op === "==" || op === "!=") {
      var equal;
      if (pair !== null) equal = pair[0] === pair[1];
      else if (left instanceof PyDate || left instanceof Span || right instanceof PyDate || right instanceof Span) return null;
      else equal = pyStr(left) === pyStr(right);
      return op === "==" ? equal : !equal;
    }
    if (pair === null) return null;
    var a = pair[0], b = pair[1];
    if (op === "<") return a < b;
    if (op === "<=") return a <= b;
    if (op === ">") return a > b;
    return a >= b;
  }
  function compare(op, left, right) { return Boolean(compare3(op, left, right)); }

  function truth(v) {
    if (v === null || v === undefined || v === false) return false;
    if (typeof v === "string" || Array.isArray(v)) return v.length > 0;
    if (isDict(v)) return Object.keys(v).length > 0;
    return true;
  }
  function missing(v) { return v === null || v === undefined; }
  function unanswered(v) {
    return missing(v) || v === "" || (Array.isArray(v) && v.length === 0) || (isDict(v) && Object.keys(v).length === 0);
  }

  function refValue(node, lookup) {
    var value = lookup(node[1]);
    if (value === undefined) value = null;
    if (node[2] !== null && node[2] !== undefined) {
      if (!isDict(value)) return null;
      return Object.prototype.hasOwnProperty.call(value, node[2]) ? value[node[2]] : null;
    }
    return value;
  }

  function listOf(node, lookup, value) {
    if (node[0] === "list") return node[1].map(literal);
    var right = value(node, lookup);
    if (isDict(right)) return Object.keys(right).map(function (k) { return right[k]; });
    return right;
  }

  function value2(node, lookup) {
    var kind = node[0];
    if (kind === "lit" || kind === "float") return literal(node);
    if (kind === "ref") return refValue(node, lookup);
    if (kind === "arith") return binary(node[1], value2(node[2], lookup), value2(node[3], lookup));
    if (kind === "neg") return negate(value2(node[1], lookup));
    if (kind === "call") {
      if (node[1] === "if") return value2(evaluate(node[2], lookup) ? node[3] : node[4], lookup);
      return call(node[1], node.slice(2).map(function (arg) { return value2(arg, lookup); }));
    }
    return evaluate(node, lookup);
  }

  function inList(left, right) {
    if (!Array.isArray(right)) return false;
    return right.some(function (candidate) { return compare("==", left, candidate); });
  }

  /* A condition: true or false; a comparison with a missing answer is false. */
  function evaluate(node, lookup) {
    var kind = node[0];
    if (kind === "or") return evaluate(node[1], lookup) || evaluate(node[2], lookup);
    if (kind === "and") return evaluate(node[1], lookup) && evaluate(node[2], lookup);
    if (kind === "not") return !evaluate(node[1], lookup);
    if (kind === "cmp") return compare(node[1], value2(node[2], lookup), value2(node[3], lookup));
    if (kind === "in") {
      var left = value2(node[1], lookup);
      if (missing(left)) return false;
      return inList(left, listOf(node[2], lookup, value2));
    }
    if (kind === "not_in") {
      if (missing(value2(node[1], lookup)) || (node[2][0] === "ref" && missing(value2(node[2], lookup)))) return false;
      return !evaluate(["in", node[1], node[2]], lookup);
    }
    if (kind === "answered") return !unanswered(value2(node[1], lookup));
    if (kind === "lit" || kind === "float" || kind === "ref" || kind === "arith" || kind === "neg" || kind === "call") {
      return truth(value2(node, lookup));
    }
    return false;
  }

  /* A derived value with three-valued logic: anything that needs a missing answer is null. */
  function value3(node, lookup, booleans) {
    var kind = node[0];
    if (kind === "lit" || kind === "float" || kind === "ref") return value2(node, lookup);
    if (kind === "arith") return binary(node[1], value3(node[2], lookup, booleans), value3(node[3], lookup, booleans));
    if (kind === "neg") return negate(value3(node[1], lookup, booleans));
    if (kind === "call") {
      if (node[1] === "if") {
        var test = truth3(node[2], lookup, booleans);
        return test === null ? null : value3(test ? node[3] : node[4], lookup, booleans);
      }
      return call(node[1], node.slice(2).map(function (arg) { return value3(arg, lookup, booleans); }));
    }
    if (kind === "or" || kind === "and") {
      var a = truth3(node[1], lookup, booleans), b = truth3(node[2], lookup, booleans);
      var decisive = kind === "or";
      if (a === decisive || b === decisive) return decisive;
      return a === null || b === null ? null : !decisive;
    }
    if (kind === "not") {
      var t = truth3(node[1], lookup, booleans);
      return t === null ? null : !t;
    }
    if (kind === "cmp") return compare3(node[1], value3(node[2], lookup, booleans), value3(node[3], lookup, booleans));
    if (kind === "in" || kind === "not_in") {
      var left = value3(node[1], lookup, booleans);
      var right = listOf(node[2], lookup, value2);
      if (missing(left) || missing(right)) return null;
      var found = Array.isArray(right) && right.some(function (c) { return compare3("==", left, c) === true; });
      return kind === "in" ? found : !found;
    }
    if (kind === "answered") return evaluate(node, lookup);
    return null;
  }

  function truth3(node, lookup, booleans) {
    if (node[0] === "ref" && (node[2] === null || node[2] === undefined) && booleans.indexOf(node[1]) >= 0) {
      var own = lookup(node[1]);
      return typeof own === "boolean" ? own : null;
    }
    if (node[0] === "lit" || node[0] === "float" || node[0] === "ref") return evaluate(node, lookup);
    var v = value3(node, lookup, booleans);
    if (missing(v) || typeof v === "boolean") return missing(v) ? null : v;
    return truth(v);
  }

  /* A value as JSON has it: whole floats unboxed, dates as ISO text. */
  function plain(v) {
    if (v instanceof Number) return +v;
    if (v instanceof PyDate) return isoOf(v);
    if (v instanceof Span) return { days: v.days };
    return v === undefined ? null : v;
  }

  root.FieldkitExpr = {
    evaluate: function (tree, lookup) { return Boolean(evaluate(tree, lookup)); },
    value: function (tree, lookup, booleans) { return value3(tree, lookup, booleans || []); },
    result: result,
    plain: plain,
    pyFloat: pyFloat,
    pyStr: pyStr,
    isNumber: isNumber,
    isDate: function (text) { return dateFromIso(text) !== null; },
    FUNCTIONS: FUNCTIONS
  };
})(typeof self !== "undefined" ? self : this);
