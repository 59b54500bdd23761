// Second Look workshop: the participants' page script — join a room, follow the case, judge privately, see the room's spread.
'use strict';

(function () {
  const { h, clear, paragraphs, str, arr, fmtNum, plural, nextId, sentence, bandName, judgementForm } = window.SecondLookCommon;
  const STORE_KEY = 'second-look-workshop';
  const POLL_MS = 2000;
  const REQUEST_TIMEOUT_MS = 10000;
  const LOST = 'Lost the connection — trying again…';

  // ---------------------------------------------------------------- helpers

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- status line

  const statusEl = $('status');
  let statusTimer = null;
  function setStatus(text, kind) {
    statusEl.className = 'status' + (kind ? ' ' + kind : '');
    statusEl.textContent = text || '';
    if (statusTimer) clearTimeout(statusTimer);
    statusTimer = null;
    // Good news goes away by itself; problems stay until they are put right.
    if (kind === 'ok') statusTimer = setTimeout(() => setStatus(''), 8000);
  }
  function clearStatusIf(text) {
    if (statusEl.textContent === text) setStatus('');
  }

  // ---------------------------------------------------------------- session

  let session = null; // {token, room}

  function loadSession() {
    try {
      const raw = localStorage.getItem(STORE_KEY);
      if (!raw) return null;
      const s = JSON.parse(raw);
      if (s && typeof s.token === 'string' && s.token) return { token: s.token, room: str(s.room) };
    } catch (_) {
      /* storage unavailable or corrupt */
    }
    return null;
  }

  function saveSession(s) {
    session = s;
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify(s));
    } catch (_) {
      /* private browsing: keep it in memory */
    }
  }

  function forgetSession() {
    session = null;
    try {
      localStorage.removeItem(STORE_KEY);
    } catch (_) {
      /* ignore */
    }
  }

  // ---------------------------------------------------------------- requests

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (session && session.token) headers.Authorization = 'Bearer ' + session.token;
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
      let data = null;
      try {
        data = await res.json();
      } catch (_) {
        data = null;
      }
      return { ok: res.ok, status: res.status, data, network: false };
    } catch (_) {
      return { ok: false, status: 0, data: null, network: true };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  function errorText(r, fallback) {
    if (r.network) return 'Could not reach the workshop. Check you are on the same network as the trainer, then try again.';
    if (r.data && typeof r.data.error === 'string' && r.data.error.trim()) return sentence(r.data.error);
    return fallback || 'Something went wrong (' + r.status + '). Try again.';
  }

  // ---------------------------------------------------------------- steps

  const stepRoom = $('step-room');
  const stepJoin = $('step-join');
  const caseView = $('case-view');

  function show(which, focusEl) {
    stepRoom.hidden = which !== 'room';
    stepJoin.hidden = which !== 'join';
    caseView.hidden = which !== 'case';
    if (focusEl) focusEl.focus();
  }

  // Step 1: room code

  const roomForm = $('room-form');
  const roomInput = $('room-code');
  const roomSubmit = $('room-submit');
  let roomInfo = null; // {room, title, agencies}

  function cleanCode(v) {
    return String(v || '').toUpperCase().replace(/[^A-Z0-9]/g, '');
  }

  roomInput.addEventListener('input', () => {
    const pos = roomInput.selectionStart;
    const up = roomInput.value.toUpperCase();
    if (up !== roomInput.value) {
      roomInput.value = up;
      try {
        roomInput.setSelectionRange(pos, pos);
      } catch (_) {
        /* ignore */
      }
    }
  });

  roomForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const room = cleanCode(roomInput.value);
    roomInput.value = room;
    if (!room) {
      setStatus('Type the room code shown on the trainer\'s screen.', 'error');
      roomInput.focus();
      return;
    }
    roomSubmit.disabled = true;
    setStatus('Checking the room code…');
    const r = await api('POST', '/api/room', { room });
    roomSubmit.disabled = false;
    if (r.ok && r.data) {
      setStatus('');
      roomInfo = { room, title: str(r.data.title), agencies: arr(r.data.agencies) };
      showJoinStep();
    } else if (r.status === 403) {
      setStatus('That room code is not right — check the screen.', 'error');
      roomInput.focus();
      roomInput.select();
    } else if (r.status === 429) {
      setStatus('Too many tries — wait a minute.', 'error');
    } else {
      setStatus(errorText(r), 'error');
    }
  });

  // Step 2: name and agency

  const joinForm = $('join-form');
  const joinSubmit = $('join-submit');
  const agencyOptions = $('agency-options');

  // One id per filled-in join form: if the answer is lost and the form is sent again, the server
  // gives back the same place instead of counting this phone twice. (Not crypto.randomUUID, which
  // plain http on the local network does not offer.)
  let joinClient = null;
  function newClientId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function showJoinStep() {
    joinClient = newClientId();
    $('join-heading').textContent = roomInfo.title || 'The workshop';
    clear(agencyOptions);
    const choices = roomInfo.agencies
      .filter((a) => a && typeof a.id === 'string')
      .map((a) => ({ id: a.id, label: str(a.label) || a.id, sub: null }));
    choices.push({ id: '', label: 'No agency', sub: 'I see only what the room sees.' });
    choices.forEach((c, i) => {
      const input = h('input', { type: 'radio', name: 'agency', value: c.id });
      if (i === 0) input.checked = true;
      agencyOptions.append(
        h('label', { class: 'option' }, input, h('span', {}, c.label, c.sub ? h('span', { class: 'sub', text: c.sub }) : null))
      );
    });
    show('join', $('join-heading'));
  }

  $('join-back').addEventListener('click', () => {
    roomInfo = null;
    setStatus('');
    show('room', roomInput);
  });

  joinForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!roomInfo) return;
    const name = $('join-name').value.trim().slice(0, 40);
    const picked = joinForm.querySelector('input[name="agency"]:checked');
    const agency = picked ? picked.value : '';
    const body = { room: roomInfo.room, client: joinClient };
    if (name) body.name = name;
    if (agency) body.agency = agency;
    joinSubmit.disabled = true;
    setStatus('Joining…');
    const r = await api('POST', '/api/join', body);
    joinSubmit.disabled = false;
    if (r.ok && r.data && typeof r.data.participant === 'string') {
      setStatus('');
      saveSession({ token: r.data.participant, room: roomInfo.room });
      enterCase();
    } else if (r.status === 403) {
      setStatus('That room code is not right — check the screen.', 'error');
      show('room', roomInput);
    } else if (r.status === 429) {
      setStatus('Too many tries — wait a minute.', 'error');
    } else {
      setStatus(errorText(r), 'error');
    }
  });

  // ---------------------------------------------------------------- polling

  let pollTimer = null;
  let polling = false;
  let inFlight = false;
  let again = false;
  let lastVersion = null;
  let state = null;

  function enterCase() {
    lastVersion = null;
    state = null;
    resetCaseView();
    show('case');
    polling = true;
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
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
    poll();
  }

  async function poll() {
    if (!polling || !session) return;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    const r = await api('GET', '/api/state');
    inFlight = false;
    if (!polling) return;
    if (r.ok && r.data) {
      clearStatusIf(LOST);
      if (r.data.version !== lastVersion || lastVersion === null) {
        lastVersion = r.data.version;
        state = r.data;
        try {
          render(state);
        } catch (e) {
          // A malformed answer must not stop the polling.
          if (window.console) console.error(e);
        }
      }
    } else if (r.status === 401 || r.status === 403) {
      endedOrRestarted();
      return;
    } else if (r.network || r.status >= 500 || r.status === 0) {
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

  function endedOrRestarted() {
    stopPolling();
    const room = session ? session.room : '';
    forgetSession();
    resetCaseView();
    roomInfo = null;
    if (room && !roomInput.value) roomInput.value = room;
    setStatus('The workshop has ended or restarted — join again.', 'error');
    show('room', $('room-heading'));
  }

  // Any request answered 401/403 means the token is no longer good.
  function authFailed(r) {
    if (r.status === 401 || r.status === 403) {
      endedOrRestarted();
      return true;
    }
    return false;
  }

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && polling) pollNow();
  });
  window.addEventListener('online', () => {
    if (polling) pollNow();
  });

  // ---------------------------------------------------------------- rendering

  // Sections are rebuilt only when what they show has changed, so focus and scroll stay put.
  let sigs = {};
  function changed(key, data) {
    const sig = JSON.stringify(data === undefined ? null : data);
    if (sigs[key] === sig) return false;
    sigs[key] = sig;
    return true;
  }

  let seenHeld = null; // finding ids already seen, to mark new ones
  let seenPublic = null;
  let newHeld = new Set();
  let newPublic = new Set();
  let judgeKey = null;
  let judgeForm = null;

  function resetCaseView() {
    sigs = {};
    seenHeld = null;
    seenPublic = null;
    newHeld = new Set();
    newPublic = new Set();
    judgeKey = null;
    judgeForm = null;
    clear($('scene'));
    clear($('judge-body'));
    clear($('public-body'));
    clear($('held-body'));
    clear($('banner'));
    $('judge').hidden = true;
    $('held').hidden = true;
    $('devil').hidden = true;
  }

  function render(s) {
    const you = s.you && typeof s.you === 'object' ? s.you : {};
    const kase = s.case && typeof s.case === 'object' ? s.case : {};
    const phase = str(s.phase);

    // Title and who you are
    if (changed('head', [kase.title, kase.you_are, you.name, you.agency_label, you.agency])) {
      $('case-title').textContent = str(kase.title) || 'The workshop';
      document.title = (str(kase.title) ? str(kase.title) + ' · ' : '') + 'Second Look workshop';
      const name = str(you.name);
      const agency = str(you.agency_label) || str(you.agency);
      const who = clear($('whoami'));
      who.append(
        'You: ',
        h('strong', { text: name || 'no name given' }),
        ' · ',
        agency ? h('strong', { text: agency }) : 'no agency (you see what the room sees)'
      );
      const youAre = str(kase.you_are);
      $('about-case').hidden = !youAre;
      $('you-are').textContent = youAre;
    }

    $('devil').hidden = you.devils_advocate !== true;

    renderBanner(s, phase);
    renderScene(s);
    renderJudge(s, phase);
    renderPublic(s);
    renderHeld(s, you);
  }

  function renderBanner(s, phase) {
    const cp = s.checkpoint && typeof s.checkpoint === 'object' ? s.checkpoint : null;
    if (!changed('banner', [phase, cp ? cp.id : null, s.sharing_open === true, !!s.my_judgement])) return;
    const b = clear($('banner'));
    let text = '';
    let link = null;
    switch (phase) {
      case 'judging':
        text = s.my_judgement
          ? 'Private judgement is open. You have sent yours; you can change it until the trainer closes judgement.'
          : 'Private judgement is open: give yours before the room discusses.';
        link = h('a', { href: '#judge', text: 'Go to your judgement' });
        break;
      case 'closed':
        text = 'Judgement closed — wait for the trainer.';
        break;
      case 'revealed':
        text = 'The trainer has shown the room\'s spread.';
        link = h('a', { href: '#judge', text: 'See the spread' });
        break;
      case 'decide':
        text = 'The room is deciding.';
        break;
      case 'finished':
        text = 'The workshop has finished. Thank you.';
        break;
      default:
        text = '';
    }
    if (s.sharing_open === true && phase !== 'finished') {
      const extra = s.you && s.you.agency
        ? 'Strategy discussion: you can tell the room what your agency holds.'
        : 'Strategy discussion: the agencies can now tell the room what they hold.';
      b.append(h('p', { text: extra }));
    }
    if (text) b.append(h('p', {}, text, link ? ' ' : null, link));
  }

  function renderScene(s) {
    const scene = s.scene && typeof s.scene === 'object' ? s.scene : null;
    const phase = str(s.phase);
    const cp = s.checkpoint && typeof s.checkpoint === 'object' ? s.checkpoint : null;
    // At a checkpoint the scene is the checkpoint's prompt, shown with the judgement already.
    $('scene').hidden = !!(cp && scene && str(scene.id) && scene.id === cp.id && str(cp.prompt));
    if (!changed('scene', [scene, phase])) return;
    const el = clear($('scene'));
    if (!scene || !str(scene.text)) {
      el.append(
        h('p', {
          class: 'empty',
          text: phase === 'finished' ? 'The case has ended.' : 'Waiting for the trainer to start the case.',
        })
      );
      return;
    }
    if (str(scene.chapter)) el.append(h('p', { class: 'chapter', text: scene.chapter }));
    el.append(h('div', { class: 'scene-text' }, paragraphs(scene.text)));
  }

  function renderPublic(s) {
    const list = arr(s.public).filter((f) => f && typeof f === 'object');
    const ids = list.map((f) => str(f.finding));
    // "New" marks the latest findings to arrive, until the next ones do.
    if (seenPublic === null) {
      seenPublic = new Set(ids);
    } else {
      const fresh = ids.filter((id) => !seenPublic.has(id));
      if (fresh.length) newPublic = new Set(fresh);
      ids.forEach((id) => seenPublic.add(id));
    }
    if (!changed('public', [list, [...newPublic]])) return;
    const body = clear($('public-body'));
    if (list.length === 0) {
      body.append(h('p', { class: 'empty', text: 'Nothing yet. What the trainer finds, and what agencies share, appears here.' }));
      return;
    }
    // Newest last, as the server sends them.
    body.append(
      h(
        'ul',
        { class: 'findings' },
        list.map((f) => {
          const meta = [];
          if (str(f.agency) && f.agency !== f.shared_by) meta.push(f.agency);
          if (str(f.shared_by)) meta.push('shared by ' + f.shared_by);
          return h(
            'li',
            {},
            h('p', { class: 'finding-text' }, newPublic.has(str(f.finding)) ? h('span', { class: 'tag new', text: 'New' }) : null, str(f.text)),
            meta.length ? h('p', { class: 'meta', text: meta.join(' · ') }) : null
          );
        })
      )
    );
  }

  const sharing = new Set(); // findings being shared right now

  function renderHeld(s, you) {
    const hasAgency = !!str(you.agency);
    $('held').hidden = !hasAgency;
    if (!hasAgency) return;
    const list = arr(s.held).filter((f) => f && typeof f === 'object');
    const ids = list.map((f) => str(f.finding));
    if (seenHeld === null) {
      seenHeld = new Set(ids);
    } else {
      const fresh = ids.filter((id) => !seenHeld.has(id));
      if (fresh.length) newHeld = new Set(fresh);
      ids.forEach((id) => seenHeld.add(id));
    }
    const open = s.sharing_open === true && str(s.phase) !== 'finished';
    if (!changed('held', [list, open, [...newHeld], [...sharing], you.agency_label])) return;
    const body = clear($('held-body'));
    const label = str(you.agency_label) || str(you.agency);
    body.append(
      h('p', { class: 'meta intro' }, 'Only people from ', h('strong', { text: label }), ' see this list. ',
        open ? 'The strategy discussion is open: you can tell the room.' : 'You can tell the room when the trainer opens a strategy discussion.')
    );
    if (list.length === 0) {
      body.append(h('p', { class: 'empty', text: 'Nothing yet. What comes to light for your agency appears here.' }));
      return;
    }
    body.append(
      h(
        'ul',
        { class: 'findings' },
        list.map((f) => {
          const id = str(f.finding);
          const shared = f.shared === true;
          let action = null;
          if (shared) {
            action = null;
          } else if (open) {
            const btn = h('button', { type: 'button', class: 'secondary', text: 'Tell the room' });
            if (sharing.has(id)) {
              btn.disabled = true;
              btn.textContent = 'Telling the room…';
            }
            btn.addEventListener('click', () => shareFinding(id, btn));
            action = h('div', { class: 'finding-actions' }, btn);
          }
          return h(
            'li',
            {},
            h(
              'p',
              { class: 'finding-text' },
              shared ? h('span', { class: 'tag shared', text: 'Shared' }) : null,
              newHeld.has(id) ? h('span', { class: 'tag new', text: 'New' }) : null,
              str(f.text)
            ),
            action
          );
        })
      )
    );
  }

  async function shareFinding(id, btn) {
    if (sharing.has(id)) return;
    sharing.add(id);
    btn.disabled = true;
    btn.textContent = 'Telling the room…';
    const r = await api('POST', '/api/share', { finding: id });
    sharing.delete(id);
    if (authFailed(r)) return;
    if (r.ok) {
      setStatus('Shared with the room.', 'ok');
    } else {
      setStatus(errorText(r), 'error');
      btn.disabled = false;
      btn.textContent = 'Tell the room';
    }
    sigs.held = null; // redraw the list on the next answer
    pollNow();
  }

  // ---------------------------------------------------------------- judgement

  function renderJudge(s, phase) {
    const cp = s.checkpoint && typeof s.checkpoint === 'object' ? s.checkpoint : null;
    const section = $('judge');
    const show = cp && ['judging', 'closed', 'revealed'].includes(phase);
    section.hidden = !show;
    if (!show) {
      judgeKey = null;
      judgeForm = null;
      clear($('judge-body'));
      return;
    }
    const hyps = arr(cp.hypotheses).filter((x) => x && typeof x.id === 'string');
    // The form is rebuilt only when the checkpoint or the phase changes, never while someone types.
    let key = phase + '|' + str(cp.id);
    if (phase === 'revealed') key += '|' + JSON.stringify(s.spread || null) + '|' + JSON.stringify(s.my_judgement || null);
    if (phase === 'closed') key += '|' + JSON.stringify(s.my_judgement || null);
    if (key === judgeKey) return;
    judgeKey = key;
    const body = clear($('judge-body'));
    judgeForm = null;
    if (str(cp.prompt)) body.append(h('p', { class: 'prompt', text: cp.prompt }));

    if (phase === 'judging') {
      $('judge-heading').textContent = 'Your judgement (private)';
      judgeForm = judgementForm({
        hypotheses: hyps,
        initial: s.my_judgement || null,
        prefix: 'j',
        submitClass: 'wide',
        reasonsLabel: 'Why? What would change your mind?',
        leadingLegend: 'The explanation you lean to',
        submitText: 'Send privately',
        resubmitText: 'Send my changes',
        sentText: 'Sent privately. You can change it until the trainer closes judgement.',
        onSubmit: async (payload) => {
          const r = await api('POST', '/api/judgement', Object.assign({ checkpoint: cp.id }, payload));
          if (authFailed(r)) return { ok: false, text: '' };
          if (r.ok) {
            pollNow();
            return { ok: true };
          }
          if (r.status === 409) {
            pollNow();
          }
          return { ok: false, text: errorText(r) };
        },
      });
      if (s.my_judgement) {
        judgeForm.setMessage('You have already sent a judgement. You can change it until the trainer closes judgement.', 'ok');
      }
      body.append(judgeForm.el);
    } else if (phase === 'closed') {
      $('judge-heading').textContent = 'Your judgement';
      body.append(mySummary(hyps, s.my_judgement));
    } else {
      $('judge-heading').textContent = 'The room\'s spread';
      body.append(spreadView(s.spread, hyps, s.my_judgement));
    }
  }

  function mySummary(hyps, mine) {
    if (!mine || typeof mine !== 'object' || !mine.probabilities) {
      return h('p', { class: 'muted', text: 'You did not send a judgement this time.' });
    }
    const lead = hyps.find((x) => x.id === mine.leading);
    return h(
      'div',
      {},
      h('p', { class: 'label', text: 'What you sent' }),
      h(
        'ul',
        { class: 'sent-summary' },
        hyps.map((x) => h('li', {}, str(x.label) || x.id, ': ', h('strong', { text: fmtNum(mine.probabilities[x.id]) + '%' })))
      ),
      lead ? h('p', { class: 'after-list' }, 'You leaned to: ', h('strong', { text: str(lead.label) || lead.id })) : null,
      str(mine.reasons) ? h('p', { class: 'muted' }, 'Your reasons: ', str(mine.reasons)) : null
    );
  }

  // The anonymous spread: a ten-band histogram per explanation, the mean, and where your own answer fell.
  function spreadView(spread, cpHyps, mine) {
    const wrap = h('div', {});
    if (!spread || typeof spread !== 'object') {
      wrap.append(h('p', { class: 'muted', text: 'The spread is on the trainer\'s screen.' }));
      return wrap;
    }
    const n = typeof spread.submissions === 'number' ? spread.submissions : null;
    const myProbs = mine && typeof mine === 'object' && mine.probabilities && typeof mine.probabilities === 'object' ? mine.probabilities : null;
    if (n !== null) {
      wrap.append(h('p', {}, plural(n, 'person', 'people'), ' answered privately. Nobody\'s answer is shown by name.'));
    }
    wrap.append(
      h('p', { class: 'legend', 'aria-hidden': 'true' },
        'Key:', h('span', { class: 'swatch' }), 'how many answered in each band of ten',
        h('span', { class: 'swatch mean' }), 'the mean',
        myProbs ? [h('span', { class: 'swatch mine' }), 'your answer'] : null)
    );
    const hyps = arr(spread.hypotheses).filter((x) => x && typeof x === 'object');
    for (const hyp of hyps) {
      const fallback = cpHyps.find((c) => c.id === hyp.id);
      const label = str(hyp.label) || (fallback ? str(fallback.label) : '') || str(hyp.id);
      const myVal = myProbs && typeof myProbs[hyp.id] === 'number' ? myProbs[hyp.id] : null;
      const block = h('div', { class: 'spread-hyp' }, h('h3', { text: label }));
      block.append(histogram(arr(hyp.histogram), hyp.mean, myVal, label));
      const stats = [];
      stats.push(h('span', {}, 'Mean ', h('strong', { text: fmtNum(hyp.mean) + '%' })));
      if (typeof hyp.leading === 'number') stats.push(h('span', {}, ' · ', plural(hyp.leading, 'leans', 'lean'), ' to this'));
      if (myVal !== null) stats.push(h('span', { class: 'you' }, ' · You:\u00a0' + fmtNum(myVal) + '%'));
      block.append(h('p', { class: 'stats' }, stats));
      wrap.append(block);
    }
    const harm = spread.harm && typeof spread.harm === 'object' ? spread.harm : null;
    if (harm && typeof harm.mean === 'number') {
      wrap.append(
        h('p', { class: 'stats' },
          'Probability of harm (the harmful explanations together): mean ',
          h('strong', { text: fmtNum(harm.mean) + '%' }),
          typeof harm.min === 'number' && typeof harm.max === 'number' ? ', from ' + fmtNum(harm.min) + '% to ' + fmtNum(harm.max) + '%' : '',
          '.')
      );
    }
    return wrap;
  }

  function bandOf(v) {
    return Math.max(0, Math.min(9, Math.floor(v / 10)));
  }

  function histogram(counts, mean, myVal, label) {
    const bands = [];
    for (let i = 0; i < 10; i++) bands.push(typeof counts[i] === 'number' && counts[i] > 0 ? counts[i] : 0);
    const max = Math.max(1, ...bands);
    const mineBand = myVal === null ? -1 : bandOf(myVal);
    const described = bands.map((c, i) => bandName(i) + '%: ' + c).join(', ');
    const hist = h('div', {
      class: 'hist',
      role: 'img',
      'aria-label': label + '. ' + described + (typeof mean === 'number' ? '. Mean ' + fmtNum(mean) + '%' : '') +
        (myVal !== null ? '. Your answer: ' + fmtNum(myVal) + '%' : ''),
    });
    bands.forEach((c, i) => {
      const band = h('div', { class: 'band' + (i === mineBand ? ' mine' : '') });
      const pct = (c / max) * 78; // leave room above for the count
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
    for (let i = 0; i < 10; i++) {
      axis.append(h('span', { class: i === mineBand ? 'mine' : null, text: i === mineBand ? 'you' : String(i * 10) }));
    }
    return h('div', {}, hist, axis);
  }

  // ---------------------------------------------------------------- start

  $('leave').addEventListener('click', () => {
    if (!window.confirm('Leave this workshop on this device? You can join again with the room code.')) return;
    stopPolling();
    const room = session ? session.room : '';
    forgetSession();
    resetCaseView();
    roomInfo = null;
    roomInput.value = room;
    setStatus('');
    show('room', $('room-heading'));
  });

  function start() {
    const params = new URLSearchParams(location.search);
    const fromUrl = cleanCode(params.get('room'));
    session = loadSession();
    // A different room in the address than the one this phone joined means a new workshop.
    if (session && fromUrl && session.room && fromUrl !== session.room) {
      forgetSession();
    }
    if (session) {
      enterCase();
      return;
    }
    roomInput.value = fromUrl;
    show('room');
    if (fromUrl) roomSubmit.focus();
  }

  start();
})();
