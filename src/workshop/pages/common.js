// Second Look workshop: what the participants' and the trainer's pages share — building elements
// (text only, never markup), small formatting helpers, and the private-judgement form.
'use strict';

(function () {
  let uid = 0;

  // Builds an element. Strings among the children become text nodes (never markup).
  function h(tag, props, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const kid of kids.flat(Infinity)) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.append(kid instanceof Node ? kid : String(kid));
    }
    return el;
  }

  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
    return el;
  }

  // Splits text on blank lines into paragraphs (text only).
  function paragraphs(text) {
    return String(text || '')
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter((p) => p.length > 0)
      .map((p) => h('p', { text: p }));
  }

  function str(v) {
    return typeof v === 'string' ? v : '';
  }

  function arr(v) {
    return Array.isArray(v) ? v : [];
  }

  function fmtNum(n) {
    if (typeof n !== 'number' || !isFinite(n)) return '–';
    const r = Math.round(n * 10) / 10;
    return Number.isInteger(r) ? String(r) : r.toFixed(1);
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many);
  }

  function nextId(prefix) {
    uid += 1;
    return prefix + '-' + uid;
  }

  // The server's messages as sentences: a capital letter and a full stop.
  function sentence(text) {
    const t = String(text).trim();
    const s = t.charAt(0).toUpperCase() + t.slice(1);
    return /[.!?…]$/.test(s) ? s : s + '.';
  }

  function bandName(i) {
    return i === 9 ? '90–100' : i * 10 + '–' + (i * 10 + 9);
  }

  // The judgement widget: a slider and a number box per explanation, kept in step, a running total,
  // the leading explanation and the reasons. Submit stays disabled until the total is exactly 100.
  function judgementForm(opts) {
    const hyps = opts.hypotheses;
    const init = opts.initial && typeof opts.initial === 'object' ? opts.initial : null;
    const initProbs = init && init.probabilities && typeof init.probabilities === 'object' ? init.probabilities : {};
    const values = {};
    const touched = new Set();
    let leadingChosen = false;
    let busy = false;
    for (const x of hyps) {
      const v = Number(initProbs[x.id]);
      values[x.id] = Number.isFinite(v) ? Math.max(0, Math.min(100, Math.round(v))) : 0;
      if (init) touched.add(x.id);
    }

    const form = h('form', { class: 'judgement', novalidate: true });
    const rows = {};
    const totalId = nextId(opts.prefix + '-total');

    hyps.forEach((x) => {
      const base = nextId(opts.prefix + '-h');
      const labelId = base + '-label';
      const aboutId = base + '-about';
      const label = h('label', { class: 'hyp-label', id: labelId, for: base + '-num', text: str(x.label) || x.id });
      const about = str(x.about) ? h('p', { class: 'about', id: aboutId, text: x.about }) : null;
      const range = h('input', {
        type: 'range', min: 0, max: 100, step: 1, id: base + '-range',
        'aria-labelledby': labelId, 'aria-describedby': about ? aboutId : null,
      });
      const num = h('input', {
        type: 'number', min: 0, max: 100, step: 1, inputmode: 'numeric', id: base + '-num',
        'aria-describedby': about ? aboutId : null,
      });
      range.value = String(values[x.id]);
      num.value = String(values[x.id]);
      range.addEventListener('input', () => {
        values[x.id] = Math.round(Number(range.value)) || 0;
        num.value = String(values[x.id]);
        touched.add(x.id);
        update();
      });
      num.addEventListener('input', () => {
        const raw = num.value.trim();
        let v = raw === '' ? 0 : Math.round(Number(raw));
        if (!Number.isFinite(v)) v = 0;
        if (v > 100) {
          v = 100;
          num.value = '100';
        }
        if (v < 0) {
          v = 0;
          num.value = '0';
        }
        values[x.id] = v;
        range.value = String(v);
        touched.add(x.id);
        update();
      });
      num.addEventListener('change', () => {
        num.value = String(values[x.id]);
      });
      rows[x.id] = { range, num };
      form.append(
        h('div', { class: 'hyp' }, label, about, h('div', { class: 'hyp-row' }, range, num, h('span', { class: 'pct-sign', 'aria-hidden': 'true', text: '%' })))
      );
    });

    const total = h('p', { class: 'total', id: totalId, 'aria-live': 'polite', 'aria-atomic': 'true' });
    const fixBtn = h('button', { type: 'button', class: 'secondary' });
    form.append(total, h('div', { class: 'buttons' }, fixBtn));

    // Leading explanation
    const leadName = nextId(opts.prefix + '-lead');
    const leadInputs = {};
    const leadSet = h('fieldset', {}, h('legend', { text: opts.leadingLegend }));
    const leadOpts = h('div', { class: 'options' });
    hyps.forEach((x) => {
      const input = h('input', { type: 'radio', name: leadName, value: x.id });
      input.addEventListener('change', () => {
        leadingChosen = true;
        update();
      });
      leadInputs[x.id] = input;
      leadOpts.append(h('label', { class: 'option' }, input, h('span', { text: str(x.label) || x.id })));
    });
    leadSet.append(leadOpts);
    form.append(leadSet);
    if (init && typeof init.leading === 'string' && leadInputs[init.leading]) {
      leadInputs[init.leading].checked = true;
      leadingChosen = true;
    }

    // Reasons
    const reasonsId = nextId(opts.prefix + '-reasons');
    const counterId = reasonsId + '-count';
    const reasons = h('textarea', { id: reasonsId, maxlength: 1000, rows: opts.reasonRows || 5, 'aria-describedby': counterId });
    reasons.value = init && typeof init.reasons === 'string' ? init.reasons : '';
    const counter = h('span', { class: 'counter', id: counterId });
    const updateCounter = () => {
      counter.textContent = reasons.value.length + ' of 1,000 characters';
    };
    reasons.addEventListener('input', updateCounter);
    updateCounter();
    form.append(h('div', { class: 'field' }, h('label', { for: reasonsId, text: opts.reasonsLabel }), reasons, counter));

    const submit = h('button', { type: 'submit', class: opts.submitClass || null, 'aria-describedby': totalId, text: init ? opts.resubmitText : opts.submitText });
    const message = h('p', { class: 'message', role: 'status', 'aria-live': 'polite' });
    form.append(h('div', { class: 'buttons' }, submit), message);

    function sum() {
      return hyps.reduce((a, x) => a + (values[x.id] || 0), 0);
    }

    function highest() {
      let best = null;
      for (const x of hyps) if (best === null || values[x.id] > values[best]) best = x.id;
      return best !== null && values[best] > 0 ? best : null;
    }

    function update() {
      const t = sum();
      if (t === 100) {
        total.textContent = 'Total: 100 ✓';
        total.className = 'total ok';
      } else {
        total.textContent = 'Total: ' + t + ' — needs to be 100';
        total.className = 'total bad';
      }
      if (t < 100) {
        const rest = 100 - t;
        const untouched = hyps.filter((x) => !touched.has(x.id)).length;
        fixBtn.textContent = untouched > 0 && untouched < hyps.length
          ? 'Share the remaining ' + rest + ' among the ones left at 0'
          : 'Share the remaining ' + rest + ' evenly';
        fixBtn.hidden = false;
      } else if (t > 100) {
        fixBtn.textContent = 'Scale it down to 100';
        fixBtn.hidden = false;
      } else {
        fixBtn.hidden = true;
      }
      if (!leadingChosen) {
        const best = highest();
        for (const x of hyps) leadInputs[x.id].checked = x.id === best;
      }
      const leading = hyps.find((x) => leadInputs[x.id].checked);
      submit.disabled = busy || t !== 100 || !leading;
    }

    function setAll() {
      for (const x of hyps) {
        rows[x.id].range.value = String(values[x.id]);
        rows[x.id].num.value = String(values[x.id]);
      }
      update();
    }

    fixBtn.addEventListener('click', () => {
      const t = sum();
      if (t < 100) {
        let targets = hyps.filter((x) => !touched.has(x.id) && values[x.id] === 0);
        if (targets.length === 0) targets = hyps.slice();
        let rest = 100 - t;
        const each = Math.floor(rest / targets.length);
        let extra = rest - each * targets.length;
        for (const x of targets) {
          values[x.id] += each + (extra > 0 ? 1 : 0);
          if (extra > 0) extra -= 1;
          touched.add(x.id);
        }
      } else if (t > 100) {
        // Scale down in proportion, sharing the rounding by largest remainder.
        const parts = hyps.map((x) => {
          const exact = (values[x.id] * 100) / t;
          return { id: x.id, floor: Math.floor(exact), frac: exact - Math.floor(exact) };
        });
        let left = 100 - parts.reduce((a, p) => a + p.floor, 0);
        parts.sort((a, b) => b.frac - a.frac);
        for (const p of parts) {
          values[p.id] = p.floor + (left > 0 ? 1 : 0);
          if (left > 0) left -= 1;
        }
      }
      setAll();
    });

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (sum() !== 100) return;
      const leadingX = hyps.find((x) => leadInputs[x.id].checked);
      if (!leadingX) return;
      const probabilities = {};
      for (const x of hyps) probabilities[x.id] = values[x.id];
      busy = true;
      update();
      setMessage('Sending…', '');
      const result = await opts.onSubmit({ probabilities, leading: leadingX.id, reasons: reasons.value.trim().slice(0, 1000) });
      busy = false;
      update();
      if (result && result.ok) {
        submit.textContent = opts.resubmitText;
        setMessage(opts.sentText, 'ok');
      } else {
        setMessage(result && result.text ? result.text : '', 'error');
      }
    });

    function setMessage(text, kind) {
      message.textContent = text || '';
      message.className = 'message' + (kind ? ' ' + kind : '');
    }

    update();
    return { el: form, setMessage };
  }

  window.SecondLookCommon = Object.freeze({
    h, clear, paragraphs, str, arr, fmtNum, plural, nextId, sentence, bandName, judgementForm,
  });
})();
