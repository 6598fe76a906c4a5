// An agent page in headless Chromium, served from another origin than the gateway: it
// loads ccgw's resource-js, signs agent 101 in, polls, answers a simulated customer call,
// releases it and signs out, through the client's objects as Huawei's pages call them.
// Prints what it saw as one JSON line. Arguments: the page URL, the gateway origin, the
// admin token (to place the call through the simulated switch).
import { chromium } from 'playwright-core';

const [pageUrl, gateway, adminToken, password] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  // The machine's network is closed: Chromium must not try its background services.
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  // The gateway's certificate is its own self-signed one.
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(pageUrl);
  await page.waitForFunction(() => typeof window.OnlineAgent === 'object', null, { timeout: 10000 });
  const login = await page.evaluate((password) => {
    const answer = OnlineAgent.login({
      agentid: 101,
      $entity: { password, phonenum: '70101', status: '4', autoanswer: 'false' },
    });
    // A missing path parameter is refused before any request goes out.
    let missingThrows = false;
    try {
      VoiceCall.release({});
    } catch (error) {
      missingThrows = /agentid/.test(String(error));
    }
    return {
      retcode: answer.retcode,
      guidKnown: Boolean(window.cookiestring),
      apiURL: REST.apiURL,
      pageOrigin: location.origin,
      missingThrows,
    };
  }, password);
  const placed = await fetch(`${gateway}/ccgw/v1/sim/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ caller: '13800000000', skill: 1 }),
  });
  const call = { status: placed.status, body: await placed.json() };
  const flow = await page.evaluate(async () => {
    const seen = [];
    const poll = () =>
      new Promise((resolve) =>
        AgentEventDispatcher.getAgentEvent({ agentid: 101, $callback: (status, request, entity) => resolve({ status, entity }) }),
      );
    async function until(type) {
      for (let i = 0; i < 60; i++) {
        const { status, entity } = await poll();
        if (status !== 200) throw new Error(`poll answered HTTP ${status}`);
        const event = entity && entity.event;
        if (event) {
          seen.push(event.eventType);
          if (event.eventType === type) return event;
        }
      }
      throw new Error(`no ${type}; saw ${seen.join(',')}`);
    }
    const ringing = await until('AgentEvent_Ringing');
    const answered = VoiceCall.answer({ agentid: 101 });
    await until('AgentEvent_Talking');
    const released = VoiceCall.release({ agentid: 101 });
    await until('AgentEvent_Call_Release');
    const loggedOut = OnlineAgent.logout({ agentid: 101 });
    return {
      seen,
      callid: ringing.content.callid,
      answered: answered.retcode,
      released: released.retcode,
      loggedOut: loggedOut.retcode,
    };
  });
  console.log(JSON.stringify({ login, call, flow, errors }));
} finally {
  await browser.close();
}
