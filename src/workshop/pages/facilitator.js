// Second Look workshop: the trainer's page script — the big screen, the case's actions, private judgement rounds, the spread, the decision and the printouts.
'use strict';

(function () {
  const { h, clear, paragraphs, str, arr, fmtNum, plural, nextId, sentence, bandName, judgementForm } = window.SecondLookCommon;
  const TOKEN_KEY = 'second-look-facilitator';
  const POLL_MS = 1500;
  const REQUEST_TIMEOUT_MS = 15000;
  const LOST = 'Lost the connection — trying again…';

  // ---------------------------------------------------------------- helpers (the shared ones are in common.js)

  const $ = (id) => document.getElementById(id);

  function obj(v) {
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  }

  function fmtHours(hrs) {
    if (typeof hrs !== 'number' || !isFinite(hrs)) return '';
    if (hrs <= 0) return 'no time';
    if (hrs < 1) return Math.round(hrs * 60) + ' min';
    return fmtNum(hrs) + (hrs === 1 ? ' hour' : ' hours');
  }

  // ---------------------------------------------------------------- status line

  const statusEl = $('status');
  let statusTimer = null;
  function setStatus(text, kind, extra) {
    statusEl.className = 'status' + (kind ? ' ' + kind : '');
    clear(statusEl);
    if (text) statusEl.append(text);
    if (extra) statusEl.append(' ', extra);
    if (statusTimer) clearTimeout(statusTimer);
    statusTimer = null;
    // Good news goes away by itself; problems stay until they are put right.
    if (kind === 'ok') statusTimer = setTimeout(() => setStatus(''), 10000);
  }
  function clearStatusIf(text) {
    if (statusEl.textContent === text) setStatus('');
  }

  // ---------------------------------------------------------------- the token

  let token = null;

  function readToken() {
    const hash = location.hash.replace(/^#/, '');
    if (hash) {
      let t = hash;
      try {
        t = decodeURIComponent(hash);
      } catch (_) {
        /* keep it as it is */
      }
      token = t.trim();
      try {
        sessionStorage.setItem(TOKEN_KEY, token);
      } catch (_) {
        /* keep it in memory */
      }
      // Take the token out of the address bar (and out of the history).
      try {
        history.replaceState(null, '', location.pathname + location.search);
      } catch (_) {
        location.hash = '';
      }
      return;
    }
    try {
      token = sessionStorage.getItem(TOKEN_KEY) || null;
    } catch (_) {
      token = null;
    }
  }

  function forgetToken() {
    token = null;
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch (_) {
      /* ignore */
    }
  }

  function showTokenStep(message) {
    stopPolling();
    $('board').hidden = true;
    $('token-step').hidden = false;
    if (message) setStatus(message, 'error');
    $('token-input').value = '';
    $('token-input').focus();
  }

  $('token-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    let t = $('token-input').value.trim();
    const at = t.indexOf('#');
    if (at >= 0) t = t.slice(at + 1);
    t = t.trim();
    if (!t) {
      setStatus('Paste the trainer\'s address or token first.', 'error');
      return;
    }
    token = t;
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
    } catch (_) {
      /* ignore */
    }
    $('token-input').value = '';
    setStatus('');
    $('token-step').hidden = true;
    startPolling();
  });

  // ---------------------------------------------------------------- requests

  async function request(method, path, body, asText) {
    const headers = { Accept: asText ? 'text/html' : 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = 'Bearer ' + token;
    const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = ctrl ? setTimeout(() => ctrl.abort(), REQUEST_TIMEOUT_MS) : null;
    try {
      const res = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'same-origin',
        signal: ctrl ? ctrl.signal : undefined,
      });
      const text = await res.text();
      let data = null;
      if (!asText || !res.ok) {
        try {
          data = JSON.parse(text);
        } catch (_) {
          data = null;
        }
      }
      return { ok: res.ok, status: res.status, data, text, network: false };
    } catch (_) {
      return { ok: false, status: 0, data: null, text: '', network: true };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  function errorText(r, fallback) {
    if (r.network) return 'Could not reach the workshop server.';
    if (r.data && typeof r.data.error === 'string' && r.data.error.trim()) return sentence(r.data.error);
    return fallback || 'Something went wrong (' + r.status + ').';
  }

  // A trainer action: POST, report any error, and look at the state again straight away.
  async function act(path, body, button) {
    if (button) button.disabled = true;
    const r = await request('POST', path, body === undefined ? {} : body);
    if (button) button.disabled = false;
    if (r.status === 401 || r.status === 403) {
      if (r.status === 401 || !r.data || /token/i.test(str(r.data.error)) || true) {
        // Any 401/403 on a trainer action means the token is not (or no longer) right.
        forgetToken();
        showTokenStep(errorText(r, 'That trainer token is not right.'));
        return r;
      }
    }
    if (!r.ok) setStatus(errorText(r), 'error');
    else clearStatusIf(LOST);
    pollNow();
    return r;
  }

  // ---------------------------------------------------------------- polling

  let polling = false;
  let pollTimer = null;
  let inFlight = false;
  let again = false;
  let lastVersion = null;
  let state = null;

  function startPolling() {
    polling = true;
    lastVersion = null;
    sigs = {};
    pollNow();
  }

  function stopPolling() {
    polling = false;
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
  }

  function schedule() {
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = polling ? setTimeout(poll, POLL_MS) : null;
  }

  function pollNow() {
    if (!polling) return;
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
    poll();
  }

  async function poll() {
    if (!polling || !token) return;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    const r = await request('GET', '/api/facilitator/state');
    inFlight = false;
    if (!polling) return;
    if (r.ok && r.data) {
      clearStatusIf(LOST);
      if (lastVersion === null || r.data.version !== lastVersion) {
        lastVersion = r.data.version;
        state = r.data;
        $('token-step').hidden = true;
        $('board').hidden = false;
        try {
          render(state);
        } catch (e) {
          if (window.console) console.error(e);
        }
      }
      ensureResults();
    } else if (r.status === 401 || r.status === 403) {
      forgetToken();
      showTokenStep(errorText(r, 'That trainer token is not right.') + ' Paste the trainer\'s address again.');
      return;
    } else if (r.network || r.status >= 500) {
      setStatus(LOST, 'error');
    } else {
      setStatus(errorText(r), 'error');
    }
    if (again) {
      again = false;
      pollNow();
    } else {
      schedule();
    }
  }

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') pollNow();
  });

  // ---------------------------------------------------------------- rendering

  let sigs = {};
  function changed(key, data) {
    const sig = JSON.stringify(data === undefined ? null : data);
    if (sigs[key] === sig) return false;
    sigs[key] = sig;
    return true;
  }

  const PHASES = {
    scene: 'The case',
    judging: 'Private judgement open',
    closed: 'Judgement closed',
    revealed: 'Spread shown',
    decide: 'Decision point',
    finished: 'Finished',
  };

  let agencyLabels = {};
  function agencyLabel(id) {
    if (!id) return '';
    return agencyLabels[id] || id;
  }

  function render(s) {
    agencyLabels = {};
    for (const a of arr(s.held)) {
      if (obj(a) && str(a.agency)) agencyLabels[a.agency] = str(a.label) || a.agency;
    }
    renderTop(s);
    renderJoin(s);
    renderOutcome(s);
    renderDecide(s);
    renderScene(s);
    renderCheckpoint(s);
    renderDiscuss(s);
    renderAgencies(s);
    renderPublic(s);
    renderRoom(s);
  }

  function renderTop(s) {
    const kase = obj(s.case) || {};
    const phase = str(s.phase);
    const people = arr(s.participants).length;
    if (!changed('top', [kase.title, phase, s.hours_left, people, s.room, s.sharing_open])) return;
    $('case-title').textContent = str(kase.title) || 'Second Look workshop';
    document.title = (str(kase.title) ? str(kase.title) + ' · ' : '') + 'Second Look trainer';
    const line = clear($('topline'));
    const room = str(s.room) || (obj(s.join) ? str(s.join.room) : '');
    if (room) line.append(h('span', {}, 'Room ', h('strong', { text: room })));
    if (PHASES[phase]) line.append(h('span', {}, h('strong', { text: PHASES[phase] })));
    if (s.sharing_open === true) line.append(h('span', {}, h('strong', { text: 'Strategy discussion open' })));
    if (typeof s.hours_left === 'number') {
      line.append(h('span', {}, h('strong', { text: fmtNum(s.hours_left) }), s.hours_left === 1 ? ' hour left' : ' hours left'));
    }
    line.append(h('span', {}, h('strong', { text: String(people) }), people === 1 ? ' person joined' : ' people joined'));
  }

  // Join details: the address, the room code and the QR code (the one server-made markup on the page).
  // null: smaller by itself once the room is judging or deciding; true/false: the trainer's choice.
  let joinChoice = null;
  $('join-toggle').addEventListener('click', () => {
    joinChoice = !isJoinCompact(state || {});
    sigs.join = null;
    if (state) renderJoin(state);
  });

  function isJoinCompact(s) {
    if (joinChoice !== null) return joinChoice;
    return !!obj(s.checkpoint) || ['decide', 'finished'].includes(str(s.phase));
  }

  function renderJoin(s) {
    const join = obj(s.join);
    $('join-panel').hidden = !join;
    if (!join) return;
    const joinCompact = isJoinCompact(s);
    if (!changed('join', [join, joinCompact])) return;
    const toggle = $('join-toggle');
    toggle.textContent = joinCompact ? 'Show the join details' : 'Make the join details smaller';
    toggle.setAttribute('aria-expanded', joinCompact ? 'false' : 'true');
    const body = clear($('join-body'));
    body.className = 'join' + (joinCompact ? ' compact' : '');
    const text = h('div', { class: 'join-text' });
    let url = null;
    if (str(join.url)) {
      // Let a long address break before its query rather than anywhere.
      const q = join.url.indexOf('?');
      url = q > 0
        ? h('p', { class: 'join-url' }, join.url.slice(0, q), h('wbr', {}), join.url.slice(q))
        : h('p', { class: 'join-url', text: join.url });
    }
    const code = str(join.room) ? h('p', { class: 'room-code', text: join.room }) : null;
    if (joinCompact) {
      text.append(...[code, url].filter(Boolean));
    } else {
      text.append(...[h('p', { class: 'label', text: 'To join, open' }), url, h('p', { class: 'label', text: 'Room code' }), code].filter(Boolean));
    }
    if (!joinCompact) text.append(h('p', { class: 'muted', text: 'Or scan the code with a phone camera. Choose your agency when you join.' }));
    body.append(text);
    if (!joinCompact && str(join.qr_svg)) {
      const qr = h('div', { class: 'qr' });
      qr.innerHTML = join.qr_svg; // server-generated SVG; nothing a participant typed
      body.append(qr);
    }
  }

  function renderOutcome(s) {
    const text = str(s.outcome);
    const show = !!text;
    $('outcome-panel').hidden = !show;
    if (!changed('outcome', text)) return;
    const body = clear($('outcome-body'));
    if (show) body.append(...paragraphs(text));
  }

  function renderScene(s) {
    const scene = obj(s.scene);
    const phase = str(s.phase);
    const cp = obj(s.checkpoint);
    // At a checkpoint the scene is the checkpoint's prompt, already shown with the judgement.
    const duplicate = !!(cp && scene && str(scene.id) && scene.id === cp.id);
    const actionsOffered = arr(s.actions).length > 0;
    $('scene-panel').hidden = (phase === 'finished' || duplicate) && !actionsOffered;
    if (changed('scene', [scene, phase])) {
      const body = clear($('scene-body'));
      if (scene && str(scene.text)) {
        if (str(scene.chapter)) body.append(h('p', { class: 'chapter', text: scene.chapter }));
        body.append(h('div', { class: 'scene-text' }, paragraphs(scene.text)));
      } else if (phase !== 'finished') {
        body.append(h('p', { class: 'empty', text: 'No scene to show.' }));
      }
    }
    const actions = arr(s.actions).filter((a) => obj(a) && str(a.id));
    if (!changed('actions', [actions, s.hours_left])) return;
    const box = clear($('actions-body'));
    if (actions.length === 0) return;
    box.append(h('h3', { text: 'What next?' }));
    if (typeof s.hours_left === 'number') {
      box.append(h('p', { class: 'muted' }, fmtNum(s.hours_left) + (s.hours_left === 1 ? ' hour' : ' hours') + ' left. You will not have time for everything.'));
    }
    const list = h('div', { class: 'actions' });
    for (const a of actions) {
      const btn = h('button', { type: 'button', class: 'action' },
        h('span', { text: str(a.label) || a.id }),
        typeof a.hours === 'number' ? h('span', { class: 'hours', text: fmtHours(a.hours) }) : null);
      btn.addEventListener('click', async () => {
        for (const b of list.querySelectorAll('button')) b.disabled = true;
        const r = await act('/api/facilitator/action', { action: a.id });
        if (!r.ok) for (const b of list.querySelectorAll('button')) b.disabled = false;
      });
      list.append(btn);
    }
    box.append(list);
  }

  function renderAgencies(s) {
    const open = s.sharing_open === true;
    const finished = str(s.phase) === 'finished';
    const held = arr(s.held).filter((a) => obj(a));
    if (!changed('agencies', [open, finished, held])) return;
    const sharing = clear($('sharing-body'));
    if (!finished) {
      const btn = h('button', { type: 'button', class: open ? '' : 'secondary', 'aria-pressed': open ? 'true' : 'false',
        text: open ? 'End the strategy discussion' : 'Open a strategy discussion' });
      btn.addEventListener('click', () => act('/api/facilitator/sharing', { open: !open }, btn));
      sharing.append(
        h('p', { class: 'muted', text: open
          ? 'Strategy discussion open: each agency can tell the room what it holds, from its phones.'
          : 'In a strategy discussion each agency chooses what to tell the room.' }),
        h('div', { class: 'buttons spaced' }, btn)
      );
    }
    const body = clear($('held-body'));
    if (held.length === 0) return;
    body.append(
      h('ul', { class: 'held-list' },
        held.map((a) => {
          const label = str(a.label) || str(a.agency);
          const n = typeof a.unshared === 'number' ? a.unshared : 0;
          return h('li', {},
            h('strong', { text: label }),
            n > 0 ? [' holds ', h('span', { class: 'n', text: String(n) }), n === 1 ? ' finding not yet shared' : ' findings not yet shared']
              : ' holds nothing unshared');
        }))
    );
  }

  function renderPublic(s) {
    const list = arr(s.public).filter((f) => obj(f));
    if (!changed('public', list)) return;
    const body = clear($('public-body'));
    if (list.length === 0) {
      body.append(h('p', { class: 'empty', text: 'Nothing yet.' }));
      return;
    }
    body.append(
      h('ul', { class: 'findings' },
        list.map((f) => {
          const meta = [];
          if (str(f.agency) && f.agency !== f.shared_by) meta.push(f.agency);
          if (str(f.shared_by)) meta.push('shared by ' + f.shared_by);
          return h('li', {},
            h('p', { class: 'finding-text', text: str(f.text) }),
            meta.length ? h('p', { class: 'meta', text: meta.join(' · ') }) : null);
        }))
    );
  }

  function renderRoom(s) {
    const people = arr(s.participants).filter((p) => obj(p));
    if (!changed('room', [people, agencyLabels])) return;
    const body = clear($('room-body'));
    if (people.length === 0) {
      body.append(h('p', { class: 'empty', text: 'Nobody has joined yet.' }));
      return;
    }
    const byAgency = new Map();
    for (const p of people) {
      const key = str(p.agency) ? agencyLabel(p.agency) : 'No agency';
      byAgency.set(key, (byAgency.get(key) || 0) + 1);
    }
    body.append(
      h('p', {}, h('strong', { text: String(people.length) }), people.length === 1 ? ' person has joined.' : ' people have joined.'),
      h('ul', { class: 'held-list' }, [...byAgency.entries()].map(([k, n]) => h('li', {}, h('strong', { text: k }), ': ' + n)))
    );
    const names = people.map((p) => str(p.name)).filter((n) => n);
    if (names.length) {
      body.append(
        h('details', { class: 'about-case' },
          h('summary', { text: 'Names' }),
          h('ul', { class: 'held-list' }, people.map((p) => h('li', {},
            str(p.name) || 'No name', str(p.agency) ? ' · ' + agencyLabel(p.agency) : ''))))
      );
    }
  }

  // Devil's advocate and the discussion questions.
  let showQuestions = false;
  function renderDiscuss(s) {
    const da = obj(s.devils_advocate);
    const people = arr(s.participants).length;
    const questions = arr(s.discussion).filter((q) => typeof q === 'string' && q);
    const finished = str(s.phase) === 'finished';
    $('discuss-panel').hidden = finished || (people === 0 && questions.length === 0 && !da);
    if (changed('devil', [da, people, agencyLabels])) {
      const body = clear($('devil-body'));
      if (da) {
        const who = str(da.name) || 'Someone without a name';
        const ag = str(da.agency) ? agencyLabel(da.agency) : '';
        body.append(h('p', {}, 'Devil\'s advocate: ', h('strong', { text: who }), ag ? ' (' + ag + ')' : ''));
        body.append(h('p', { class: 'muted', text: 'They argue for the explanation the room is giving least weight.' }));
      }
      if (people > 0) {
        const btn = h('button', { type: 'button', class: 'secondary', text: da ? 'Next devil\'s advocate' : 'Name a devil\'s advocate' });
        btn.addEventListener('click', async () => {
          const r = await act('/api/facilitator/devils-advocate', {}, btn);
          if (r.ok && obj(r.data)) {
            const name = str(r.data.name) || 'someone without a name';
            const ag = str(r.data.agency) ? ' (' + agencyLabel(r.data.agency) + ')' : '';
            setStatus('Devil\'s advocate: ' + name + ag + '.', 'ok');
          }
        });
        body.append(h('div', { class: 'buttons spaced' }, btn));
      }
    }
    if (changed('questions', [questions, showQuestions])) {
      const body = clear($('questions-body'));
      if (questions.length === 0) return;
      const listId = 'questions-list';
      const btn = h('button', { type: 'button', class: 'link', 'aria-expanded': showQuestions ? 'true' : 'false', 'aria-controls': listId,
        text: showQuestions ? 'Hide the discussion questions' : 'Discussion questions' });
      btn.addEventListener('click', () => {
        showQuestions = !showQuestions;
        renderDiscuss(state);
        const again = $('questions-body').querySelector('button');
        if (again) again.focus();
      });
      body.append(h('div', { class: 'buttons' }, btn));
      if (showQuestions) body.append(h('ol', { class: 'questions', id: listId }, questions.map((q) => h('li', { text: q }))));
    }
  }

  // ---------------------------------------------------------------- checkpoint

  const results = {}; // checkpoint id → results answer
  const resultsLoading = new Set();
  const resultsFailed = {}; // checkpoint id → time of the last failure
  const polarisation = {}; // checkpoint id → {verdict, text}
  let showReasons = false;
  let reasonsFor = null;
  let groupKey = null;

  function currentCheckpoint(s) {
    return obj(s.checkpoint);
  }

  async function loadResults(id) {
    if (resultsLoading.has(id)) return;
    resultsLoading.add(id);
    const r = await request('GET', '/api/facilitator/results?checkpoint=' + encodeURIComponent(id));
    resultsLoading.delete(id);
    if (r.ok && obj(r.data)) {
      results[id] = r.data;
      delete resultsFailed[id];
      if (state) renderCheckpoint(state);
    } else {
      resultsFailed[id] = Date.now();
      if (r.status === 401 || r.status === 403) {
        forgetToken();
        showTokenStep(errorText(r, 'That trainer token is not right.'));
      } else if (!r.network) {
        setStatus(errorText(r, 'Could not fetch the spread.'), 'error');
      }
    }
  }

  // Called on every poll: fetch the spread once it is revealed (retrying a failure after a few seconds).
  function ensureResults() {
    const cp = state ? currentCheckpoint(state) : null;
    if (!cp || !str(cp.id) || cp.status !== 'revealed') return;
    if (results[cp.id] || resultsLoading.has(cp.id)) return;
    if (resultsFailed[cp.id] && Date.now() - resultsFailed[cp.id] < 5000) return;
    loadResults(cp.id);
  }

  function renderCheckpoint(s) {
    const cp = currentCheckpoint(s);
    const at = str(s.at_checkpoint);
    const canOpen = !!at && (!cp || cp.id !== at);
    const panel = $('checkpoint-panel');
    const show = !!cp || canOpen;
    panel.hidden = !show;
    if (!show) {
      groupKey = null;
      clear($('cp-controls'));
      clear($('cp-results'));
      clear($('cp-polarisation'));
      clear($('cp-group'));
      sigs.cpControls = sigs.cpResults = sigs.cpPol = null;
      return;
    }
    const people = arr(s.participants).length;
    const status = cp ? str(cp.status) : '';
    const id = cp ? str(cp.id) : '';
    if (id !== reasonsFor) {
      showReasons = false;
      reasonsFor = id;
    }

    // Controls: open, the count, close, reveal.
    if (changed('cpControls', [cp ? { id, status, prompt: cp.prompt, submissions: cp.submissions, group: cp.group_recorded } : null, at, canOpen, people])) {
      const box = clear($('cp-controls'));
      if (cp && str(cp.prompt)) box.append(h('p', { class: 'prompt', text: cp.prompt }));
      const n = cp && typeof cp.submissions === 'number' ? cp.submissions : 0;
      if (cp && status === 'open') {
        box.append(
          h('p', { class: 'count-big' }, String(n), h('span', { class: 'of', text: people ? ' of ' + people + ' answered' : ' answered' })),
          h('p', { class: 'muted', text: 'Each person spreads 100% across the explanations, privately, before any discussion. Only the count is shown.' })
        );
        const btn = h('button', { type: 'button', text: 'Close judgement' });
        btn.addEventListener('click', () => act('/api/facilitator/close-checkpoint', {}, btn));
        box.append(h('div', { class: 'buttons' }, btn));
      } else if (cp && status === 'closed') {
        box.append(h('p', { class: 'count-big' }, String(n), h('span', { class: 'of', text: n === 1 ? ' answer' : ' answers' })),
          h('p', { class: 'muted', text: 'Judgement is closed. Nothing is shown until you reveal it.' }));
        const btn = h('button', { type: 'button', text: 'Reveal the spread' });
        btn.addEventListener('click', async () => {
          const r = await act('/api/facilitator/reveal', {}, btn);
          if (r.ok && id) loadResults(id);
        });
        box.append(h('div', { class: 'buttons' }, btn));
      } else if (cp && status === 'revealed' && cp.group_recorded === true) {
        box.append(h('p', { class: 'muted', text: 'The room\'s judgement is recorded.' }));
      }
      if (canOpen) {
        if (cp) box.append(h('hr', {}));
        box.append(h('p', {}, 'The case is at a checkpoint. Ask each person for a private judgement before the room discusses.'));
        const btn = h('button', { type: 'button', text: 'Open private judgement' });
        btn.addEventListener('click', () => act('/api/facilitator/open-checkpoint', {}, btn));
        box.append(h('div', { class: 'buttons' }, btn));
      }
    }

    // The spread.
    const res = cp && status === 'revealed' ? results[id] || null : null;
    if (changed('cpResults', [status === 'revealed' ? id : null, !!res, showReasons, cp ? cp.group_recorded === true : false])) {
      const box = clear($('cp-results'));
      if (cp && status === 'revealed') {
        if (!res) {
          box.append(h('p', { class: 'muted', text: 'Fetching the spread…' }));
        } else {
          const view = resultsView(res, arr(cp.hypotheses));
          if (cp.group_recorded === true) {
            box.append(h('details', { class: 'about-case' }, h('summary', { text: 'The spread' }), view));
          } else {
            box.append(view);
          }
        }
      }
    }

    // Detector 17's verdict on the room's judgement.
    const pol = id ? polarisation[id] : null;
    if (changed('cpPol', pol || null)) {
      const box = clear($('cp-polarisation'));
      if (pol && (str(pol.text) || str(pol.verdict))) {
        box.append(h('div', { class: 'polarisation', role: 'status' },
          str(pol.verdict) ? h('p', { class: 'verdict', text: pol.verdict }) : null,
          paragraphs(pol.text)));
      }
    }

    // The room's judgement (rebuilt only when the checkpoint or its status changes).
    const wantGroup = cp && status === 'revealed' && cp.group_recorded !== true;
    const key = wantGroup ? id + '|' + JSON.stringify(arr(cp.hypotheses)) : null;
    if (key !== groupKey) {
      groupKey = key;
      const box = clear($('cp-group'));
      if (wantGroup) {
        const hyps = arr(cp.hypotheses).filter((x) => obj(x) && typeof x.id === 'string');
        const form = judgementForm({
          hypotheses: hyps,
          initial: null,
          prefix: 'g',
          reasonRows: 4,
          reasonsLabel: 'The room\'s reasons: why, and what would change its mind?',
          leadingLegend: 'The explanation the room leans to',
          submitText: 'Record the room\'s judgement',
          resubmitText: 'Record the room\'s judgement',
          sentText: 'Recorded.',
          onSubmit: async (payload) => {
            const r = await act('/api/facilitator/group-judgement', payload);
            if (r.ok) {
              const p = obj(r.data) ? obj(r.data.polarisation) : null;
              if (p) polarisation[id] = { verdict: str(p.verdict), text: str(p.text) };
              if (state) {
                sigs.cpPol = null;
                renderCheckpoint(state);
              }
              return { ok: true };
            }
            return { ok: false, text: errorText(r) };
          },
        });
        box.append(h('h3', { class: 'section-start', text: 'Record the room\'s judgement' }),
          h('p', { class: 'muted', text: 'After the discussion: what does the room think now?' }),
          form.el);
      }
    }
  }

  function resultsView(res, cpHyps) {
    const wrap = h('div', {});
    const n = typeof res.submissions === 'number' ? res.submissions : null;
    if (n !== null) wrap.append(h('p', {}, h('strong', { text: plural(n, 'private answer', 'private answers') }), ' — anonymous.'));
    wrap.append(
      h('p', { class: 'legend', 'aria-hidden': 'true' },
        'Key:', h('span', { class: 'swatch' }), 'answers in each band of ten points', h('span', { class: 'swatch mean' }), 'the mean')
    );
    for (const hyp of arr(res.hypotheses).filter((x) => obj(x))) {
      const fallback = cpHyps.find((c) => obj(c) && c.id === hyp.id);
      const label = str(hyp.label) || (fallback ? str(fallback.label) : '') || str(hyp.id);
      const block = h('div', { class: 'spread-hyp' }, h('h3', { text: label }));
      block.append(histogram(arr(hyp.histogram), hyp.mean, label));
      const stats = [h('span', {}, 'Mean ', h('strong', { text: fmtNum(hyp.mean) + '%' }))];
      if (typeof hyp.median === 'number') stats.push(h('span', {}, ' · median ', h('strong', { text: fmtNum(hyp.median) + '%' })));
      if (typeof hyp.leading === 'number') stats.push(h('span', {}, ' · ', h('strong', { text: String(hyp.leading) }), hyp.leading === 1 ? ' leans to this' : ' lean to this'));
      block.append(h('p', { class: 'stats' }, stats));
      wrap.append(block);
    }
    const harm = obj(res.harm);
    if (harm && typeof harm.mean === 'number') {
      wrap.append(
        h('p', { class: 'stats' },
          'Probability of harm (the harmful explanations together): mean ', h('strong', { text: fmtNum(harm.mean) + '%' }),
          typeof harm.min === 'number' && typeof harm.max === 'number'
            ? [', lowest ', h('strong', { text: fmtNum(harm.min) + '%' }), ', highest ', h('strong', { text: fmtNum(harm.max) + '%' })]
            : null,
          '.')
      );
    }
    const reasons = arr(res.reasons).filter((r) => typeof r === 'string' && r.trim());
    if (reasons.length) {
      const listId = nextId('reasons');
      const btn = h('button', { type: 'button', class: 'secondary', 'aria-expanded': showReasons ? 'true' : 'false', 'aria-controls': listId,
        text: showReasons ? 'Hide the reasons' : 'Show reasons (' + reasons.length + ')' });
      btn.addEventListener('click', () => {
        showReasons = !showReasons;
        sigs.cpResults = null;
        renderCheckpoint(state);
        const b = $('cp-results').querySelector('button[aria-controls]');
        if (b) b.focus();
      });
      wrap.append(h('div', { class: 'buttons spaced' }, btn));
      if (showReasons) {
        // Anonymous, in no particular order; shown as text, never as markup.
        wrap.append(h('ul', { class: 'reasons', id: listId }, reasons.map((r) => h('li', { text: r }))));
      }
    }
    return wrap;
  }

  function histogram(counts, mean, label) {
    const bands = [];
    for (let i = 0; i < 10; i++) bands.push(typeof counts[i] === 'number' && counts[i] > 0 ? counts[i] : 0);
    const max = Math.max(1, ...bands);
    const hist = h('div', {
      class: 'hist',
      role: 'img',
      'aria-label': label + '. ' + bands.map((c, i) => bandName(i) + '%: ' + c).join(', ') +
        (typeof mean === 'number' ? '. Mean ' + fmtNum(mean) + '%' : ''),
    });
    bands.forEach((c) => {
      const band = h('div', { class: 'band' });
      const pct = (c / max) * 78;
      const fill = h('div', { class: 'fill' });
      fill.style.height = pct + '%';
      band.append(fill);
      if (c > 0) {
        const cnt = h('div', { class: 'count', text: String(c) });
        cnt.style.bottom = pct + '%';
        band.append(cnt);
      }
      hist.append(band);
    });
    if (typeof mean === 'number' && isFinite(mean)) {
      const line = h('div', { class: 'mean-line' });
      line.style.left = 'calc(' + Math.max(0, Math.min(100, mean)) + '% - 1px)';
      hist.append(line);
    }
    const axis = h('div', { class: 'axis', 'aria-hidden': 'true' });
    for (let i = 0; i < 10; i++) axis.append(h('span', { text: String(i * 10) }));
    return h('div', {}, hist, axis);
  }

  // ---------------------------------------------------------------- decision point

  let decideKey = null;
  function renderDecide(s) {
    const phase = str(s.phase);
    const decisions = arr(s.decisions).filter((d) => obj(d) && str(d.id));
    const show = phase === 'decide' && decisions.length > 0;
    $('decide-panel').hidden = !show;
    const key = show ? JSON.stringify(decisions) : null;
    if (key === decideKey) return;
    decideKey = key;
    const body = clear($('decide-body'));
    if (!show) return;
    const form = h('form', { novalidate: true });
    const name = nextId('decision');
    const options = h('div', { class: 'options' });
    const submit = h('button', { type: 'submit', text: 'Record the decision' });
    submit.disabled = true;
    for (const d of decisions) {
      const input = h('input', { type: 'radio', name, value: d.id });
      input.addEventListener('change', () => {
        submit.disabled = false;
      });
      options.append(h('label', { class: 'option' }, input, h('span', { text: str(d.label) || d.id })));
    }
    const ratId = nextId('rationale');
    const counterId = ratId + '-count';
    const rationale = h('textarea', { id: ratId, maxlength: 1000, rows: 4, 'aria-describedby': counterId });
    const counter = h('span', { class: 'counter', id: counterId, text: '0 of 1,000 characters' });
    rationale.addEventListener('input', () => {
      counter.textContent = rationale.value.length + ' of 1,000 characters';
    });
    const message = h('p', { class: 'message', role: 'status' });
    form.append(
      h('fieldset', {}, h('legend', { text: 'What does the room decide?' }), options),
      h('div', { class: 'field' }, h('label', { for: ratId, text: 'The room\'s rationale' }), rationale, counter),
      h('div', { class: 'buttons' }, submit),
      message
    );
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const picked = form.querySelector('input[type="radio"]:checked');
      if (!picked) return;
      message.textContent = '';
      message.className = 'message';
      const r = await act('/api/facilitator/decide', { decision: picked.value, rationale: rationale.value.trim().slice(0, 1000) }, submit);
      if (r.ok) {
        message.textContent = 'Recorded.';
        message.className = 'message ok';
      } else {
        message.textContent = errorText(r);
        message.className = 'message error';
      }
    });
    body.append(h('p', { class: 'muted', text: 'Choose what happens next, and why. The report keeps the rationale.' }), form);
  }

  // ---------------------------------------------------------------- the judgement widget (as in participant.js)

  // ---------------------------------------------------------------- printouts

  // The printout opens as a blob: document, which inherits this page's Content-Security-Policy, so its
  // own <style> elements and style attributes are refused. Re-apply them through the CSSOM, which the
  // policy does not govern.
  function applyStyles(w) {
    const doc = w.document;
    const css = Array.from(doc.querySelectorAll('style')).map((s) => s.textContent).join('\n');
    if (css && 'adoptedStyleSheets' in doc && typeof w.CSSStyleSheet === 'function') {
      try {
        const sheet = new w.CSSStyleSheet();
        sheet.replaceSync(css.replace(/@import[^;]*;/g, ''));
        doc.adoptedStyleSheets = Array.from(doc.adoptedStyleSheets).concat([sheet]);
      } catch (_) {
        /* leave it plain */
      }
    }
    for (const el of Array.from(doc.querySelectorAll('[style]'))) {
      try {
        el.style.cssText = el.getAttribute('style');
      } catch (_) {
        /* ignore */
      }
    }
  }

  function whenLoaded(w, url, then) {
    const started = Date.now();
    const timer = setInterval(() => {
      let ready = false;
      try {
        ready = w.closed || (w.document && w.document.URL === url && w.document.readyState !== 'loading');
      } catch (_) {
        ready = true; // no longer reachable
      }
      if (ready || Date.now() - started > 15000) {
        clearInterval(timer);
        if (!w.closed) {
          try {
            then();
          } catch (_) {
            /* ignore */
          }
        }
      }
    }, 100);
  }

  async function openPrintable(path, what, button) {
    // Open the window now, inside the click, so that pop-up blockers let it through.
    let w = window.open('', '_blank');
    if (w) {
      try {
        w.document.title = 'Preparing the ' + what + '…';
        w.document.body.textContent = 'Preparing the ' + what + '…';
      } catch (_) {
        /* ignore */
      }
    }
    button.disabled = true;
    const r = await request('GET', path, undefined, true);
    button.disabled = false;
    if (!r.ok) {
      if (w) w.close();
      if (r.status === 401 || r.status === 403) {
        forgetToken();
        showTokenStep(errorText(r, 'That trainer token is not right.'));
        return;
      }
      setStatus(errorText(r, 'Could not fetch the ' + what + '.'), 'error');
      return;
    }
    const url = URL.createObjectURL(new Blob([r.text], { type: 'text/html' }));
    setTimeout(() => URL.revokeObjectURL(url), 30 * 60 * 1000);
    const show = (win) => {
      whenLoaded(win, url, () => {
        applyStyles(win);
        win.focus();
      });
      setStatus('The ' + what + ' has opened in a new tab: print it from there.', 'ok');
    };
    if (w && !w.closed) {
      w.location.href = url;
      show(w);
      return;
    }
    w = window.open(url, '_blank');
    if (w) {
      show(w);
      return;
    }
    // The browser blocked the new tab: offer a button (a fresh click is allowed to open it).
    const again = h('button', { type: 'button', class: 'secondary', text: 'Open the ' + what });
    again.addEventListener('click', () => {
      const w2 = window.open(url, '_blank');
      if (w2) show(w2);
    });
    setStatus('The browser blocked the new tab.', 'error', again);
  }

  $('print-report').addEventListener('click', (ev) => openPrintable('/api/facilitator/report', 'report', ev.currentTarget));
  $('print-briefs').addEventListener('click', (ev) => openPrintable('/api/facilitator/briefs', 'role briefs', ev.currentTarget));

  // ---------------------------------------------------------------- start

  readToken();
  if (token) {
    startPolling();
  } else {
    showTokenStep('');
  }
})();
