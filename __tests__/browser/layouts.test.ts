/**
 * The demo's layouts: on a phone the list and the conversation are two views
 * with a back button; on a desktop the UI also speaks English.
 */
import type { Session } from '../support/server';
import {
  describeInBrowser,
  expectHidden,
  expectVisible,
  feed,
  messageWithText,
  screenshot,
  send,
  useDemoHarness,
} from './harness';

jest.setTimeout(90_000);

interface Created {
  id: string;
}

async function post(session: Session, path: string, body: unknown): Promise<Created> {
  const { status, body: answer } = await session.request<Created>('POST', path, body);
  if (status !== 201) throw new Error(`POST ${path} answered ${status}: ${JSON.stringify(answer)}`);
  return answer;
}

async function say(session: Session, conversationId: string, text: string, replyTo?: string) {
  return post(session, '/api/unet-chat/messages/', {
    conversation_id: conversationId,
    sender_id: session.user.id,
    text,
    reply_to: replyTo ?? null,
  });
}

describeInBrowser('the demo on a phone and in English', () => {
  const harness = useDemoHarness();

  beforeAll(async () => {
    const aibek = await harness.server.login('aibek');
    const aizada = await harness.server.login('aizada');
    const bakyt = await harness.server.login('bakyt');
    const group = await post(aibek, '/api/unet-chat/conversations/', {
      type: 'group',
      title: 'Курсовая по базам данных',
      participant_ids: [2, 3],
    });
    await say(bakyt, group.id, 'Кто берёт тему про индексы?');
    await say(aizada, group.id, 'Я могу, если никто не против.');
    const privateChat = await post(aibek, '/api/unet-chat/conversations/', {
      type: 'private',
      participant_ids: [2],
    });
    const question = await say(aibek, privateChat.id, 'Привет! Ты уже сдала лабораторную?');
    await say(aizada, privateChat.id, 'Да, вчера. Могу скинуть отчёт.', question.id);
    await say(
      aibek,
      privateChat.id,
      'Было бы здорово! И подскажи, в какой аудитории завтра консультация — я слышал, что её перенесли.',
    );
  }, 60_000);

  afterEach(() => {
    expect(harness.pageErrors).toEqual([]);
  });

  test('a phone shows the list first, then the conversation with a back button, and back again', async () => {
    const page = await harness.signIn('aizada', {
      viewport: { width: 390, height: 844 },
      scale: 2,
      mobile: true,
    });
    const layout = page.locator('.ucr-layout');
    const list = page.locator('.ucr-chat-select');
    const conversation = page.locator('.ucr-messages-view');
    const back = page.getByRole('button', { name: 'Назад к списку бесед' });

    await expectVisible(layout.and(page.locator('[data-view="sidebar"]')));
    await expectVisible(list);
    await expectVisible(page.locator('.ucr-conversation__button', { hasText: 'Айбек Асанов' }));
    await expectHidden(page.locator('.ucr-layout__main'));
    // The list takes the whole width of the phone.
    const listBox = await list.boundingBox();
    expect(listBox!.width).toBeGreaterThan(360);
    await screenshot(page, 'mobile-list');

    await page.locator('.ucr-conversation__button', { hasText: 'Айбек Асанов' }).click();
    await expectVisible(layout.and(page.locator('[data-view="main"]')));
    await expectVisible(conversation.getByRole('heading', { name: 'Айбек Асанов' }));
    await expectVisible(back);
    await expectHidden(list);
    await expectVisible(messageWithText(page, 'Да, вчера. Могу скинуть отчёт.'));
    await send(page, 'Консультация в 305-й, в 14:00.');
    await expectVisible(
      messageWithText(page, 'Консультация в 305-й, в 14:00.').and(
        page.locator('[data-status="sent"]'),
      ),
    );
    // A touch screen has no hover: a tap on a message shows its actions.
    const answer = messageWithText(page, 'Да, вчера. Могу скинуть отчёт.');
    await expectHidden(answer.getByRole('button', { name: 'Изменить' }));
    await answer.locator('.ucr-message__text').tap();
    await expectVisible(answer.getByRole('button', { name: 'Изменить' }));
    await answer.getByRole('button', { name: 'Ответить' }).tap();
    await expectVisible(page.locator('.ucr-composer[data-mode="reply"]'));
    await page.getByRole('button', { name: 'Отменить ответ' }).tap();
    await expectVisible(page.locator('.ucr-composer[data-mode="new"]'));

    // Nothing sticks out sideways on a narrow screen.
    const overflow = await feed(page).evaluate(
      (scroller) => scroller.scrollWidth - scroller.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.getByRole('textbox', { name: 'Сообщение', exact: true }).blur();
    await screenshot(page, 'mobile-conversation');

    await back.click();
    await expectVisible(layout.and(page.locator('[data-view="sidebar"]')));
    await expectVisible(list);
    await expectHidden(conversation);
    await expectVisible(
      page.locator('.ucr-conversation__preview', { hasText: 'Вы: Консультация в 305-й, в 14:00.' }),
    );
  });

  test('the UI switches to English', async () => {
    const page = await harness.signIn('aibek');
    await page.getByRole('group', { name: 'Язык' }).getByRole('button', { name: 'EN' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Chats' }));
    await page
      .locator('.ucr-conversation__button', { hasText: 'Курсовая по базам данных' })
      .click();
    await expectVisible(page.getByRole('feed', { name: 'Messages' }));
    await expectVisible(page.getByRole('textbox', { name: 'Message', exact: true }));
    await expectVisible(
      page.locator('.ucr-connection[data-status="open"]', { hasText: 'Connected' }),
    );
    await expectVisible(page.getByText('3 participants', { exact: false }));
    await screenshot(page, 'desktop-english');
  });
});
