/**
 * The workspace UI against a seed-only server (every [ext] extension off): no
 * user stream, read cursors, typing or presence. Nothing breaks and nothing
 * claims what the server never said. Unread is counted locally: the
 * conversations shown last stay live while the list is shown, so one left
 * gets a badge for what came after.
 */
import type { Locator, Page } from 'playwright-core';
import type { Session } from '../support/server';
import {
  describeInBrowser,
  expectHidden,
  expectVisible,
  messageWithText,
  send,
  useDemoHarness,
} from './harness';

jest.setTimeout(120_000);

const GROUP = 'Курсовая';
// A seed server does not say who takes part: the private chat has the generic title.
const AIBEK = 'Личная беседа';

function row(page: Page, title: string): Locator {
  return page.locator('.ucr-conversation__button', {
    has: page.locator('.ucr-conversation__title', { hasText: title }),
  });
}

describeInBrowser('the workspace UI against a seed-only server', () => {
  const harness = useDemoHarness({ extensions: false });
  let aibek: Session;
  let privateId: string;
  let aizada: Page;

  const post = (conversationId: string, text: string) =>
    aibek.request('POST', '/api/unet-chat/messages/', {
      conversation_id: conversationId,
      sender_id: aibek.user.id,
      text,
      reply_to: null,
    });

  beforeAll(async () => {
    aibek = await harness.server.login('aibek');
    const create = async (body: unknown) =>
      (await aibek.request<{ id: string }>('POST', '/api/unet-chat/conversations/', body)).body.id;
    privateId = await create({ type: 'private', participant_ids: [2] });
    await create({ type: 'group', title: GROUP, participant_ids: [2] });
    await post(privateId, 'Первое');
  }, 60_000);

  afterEach(() => {
    expect(harness.pageErrors).toEqual([]);
  });

  test('nothing breaks: the list, messages both ways, no presence, typing or receipts beyond "sent"', async () => {
    aizada = await harness.signIn('aizada');
    await row(aizada, AIBEK).click();
    await expectVisible(messageWithText(aizada, 'Первое'));
    // Nothing claims what the server never said.
    await expectHidden(aizada.locator('.ucr-presence'));
    await expectHidden(aizada.locator('.ucr-avatar__online'));
    await row(aizada, GROUP).click();
    await expectVisible(aizada.getByRole('heading', { name: GROUP, level: 2 }));

    await post(privateId, 'Второе');
    // Left for the group a moment ago, the private chat stayed live: its badge counts the new one.
    await expectVisible(row(aizada, AIBEK).locator('.ucr-badge'));
    await expectVisible(aizada.getByTestId('total-unread'));

    await row(aizada, AIBEK).click();
    await expectVisible(messageWithText(aizada, 'Второе'));
    await expectHidden(row(aizada, AIBEK).locator('.ucr-badge'));
    await expectHidden(aizada.getByTestId('total-unread'));
    await send(aizada, 'Всё получила');
    await expectVisible(
      messageWithText(aizada, 'Всё получила').and(aizada.locator('[data-status="sent"]')),
    );
    // Without read cursors or presence a receipt never claims more than "sent".
    await expectVisible(messageWithText(aizada, 'Всё получила').locator('[data-receipt="sent"]'));
    await expectHidden(aizada.locator('[data-receipt="read"], [data-receipt="delivered"]'));
    await expectHidden(aizada.locator('.ucr-typing[data-active]'));
  });
});
