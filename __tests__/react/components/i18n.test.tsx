/** @jest-environment jsdom */
import { act, render, screen } from '@testing-library/react';
import {
  ChatSelect,
  ConnectionIndicator,
  MessageComposer,
  MessageList,
} from '../../../src/react/components';
import { ChatLocaleProvider, ruLocale, ruStrings, useChatLocale } from '../../../src/react/i18n';
import { enLocale, enStrings } from 'unet-chat-redux/react/locales/en';
import type { ChatStrings } from '../../../src/react/i18n';
import { makeConversation, makeMessage } from './fixtures';
import { mockLayout } from './layout';

function LocaleProbe() {
  const { language, dateLocale } = useChatLocale();
  return (
    <p>
      {language} {dateLocale}
    </p>
  );
}

describe('chat strings', () => {
  it('speak Russian without a provider', () => {
    render(<MessageComposer onSend={jest.fn()} />);

    expect(screen.getByRole('button', { name: 'Отправить' })).toBeInTheDocument();
    expect(screen.getByPlaceholderText('Напишите сообщение…')).toBeInTheDocument();
  });

  it('switch to English with ChatLocaleProvider', () => {
    render(
      <ChatLocaleProvider locale={enLocale}>
        <MessageComposer onSend={jest.fn()} />
        <ConnectionIndicator
          status="reconnecting"
          attempt={3}
          maxAttempts={5}
          onRetry={jest.fn()}
        />
        <ChatSelect
          conversations={[makeConversation({ title: 'Library' })]}
          loading={false}
          selectedChatId={null}
          onSelectChat={jest.fn()}
          onCreateConversation={jest.fn()}
        />
      </ChatLocaleProvider>,
    );

    expect(screen.getByRole('button', { name: 'Send' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Reconnecting, attempt 3 of 5…');
    expect(
      screen.getByRole('searchbox', { name: 'Search conversations and messages' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Library/ })).toHaveTextContent('No messages yet');
  });

  it('let the host override single strings on top of a language', () => {
    render(
      <ChatLocaleProvider locale={enLocale} strings={{ send: 'Post' }}>
        <MessageComposer onSend={jest.fn()} />
      </ChatLocaleProvider>,
    );

    expect(screen.getByRole('button', { name: 'Post' })).toBeInTheDocument();
    expect(screen.getByPlaceholderText('Write a message…')).toBeInTheDocument();
  });

  it('localize the fallback name of an unknown sender', async () => {
    const restore = mockLayout();
    try {
      render(
        <ChatLocaleProvider locale={enLocale}>
          <MessageList
            messages={[makeMessage({ id: 'x', sender_id: 42 })]}
            currentUserId={1}
            resolveMessage={() => undefined}
            hasMoreOlder={false}
            loadingOlder={false}
            onLoadOlder={jest.fn()}
            onReply={jest.fn()}
            onEdit={jest.fn()}
            onDelete={jest.fn()}
            onRetry={jest.fn()}
            onDiscard={jest.fn()}
          />
        </ChatLocaleProvider>,
      );
      await act(async () => {
        await new Promise((resolve) => setTimeout(resolve, 0));
      });

      expect(screen.getByText('User #42')).toBeInTheDocument();
    } finally {
      restore();
    }
  });

  it('format dates in the UI language unless the host names another locale', () => {
    const { rerender } = render(
      <ChatLocaleProvider locale={enLocale}>
        <LocaleProbe />
      </ChatLocaleProvider>,
    );
    expect(screen.getByText('en en-US')).toBeInTheDocument();

    rerender(
      <ChatLocaleProvider language="ru" dateLocale="ky-KG">
        <LocaleProbe />
      </ChatLocaleProvider>,
    );
    expect(screen.getByText('ru ky-KG')).toBeInTheDocument();
  });

  it('pick Russian plural forms by number', () => {
    expect(ruStrings.participantsCount(1)).toBe('1 участник');
    expect(ruStrings.participantsCount(3)).toBe('3 участника');
    expect(ruStrings.participantsCount(5)).toBe('5 участников');
    expect(ruStrings.participantsCount(21)).toBe('21 участник');
    expect(ruStrings.newMessages(2)).toBe('2 новых сообщения');
    expect(enStrings.newMessages(1)).toBe('1 new message');
  });

  it('give every language the same keys', () => {
    const keys = (strings: ChatStrings) => Object.keys(strings).sort();

    expect(keys(enLocale.strings)).toEqual(keys(ruLocale.strings));
  });

  it('keep the deprecated language="ru", and name the import for a language not bundled', () => {
    render(
      <ChatLocaleProvider language="ru">
        <LocaleProbe />
      </ChatLocaleProvider>,
    );
    expect(screen.getByText('ru ru-RU')).toBeInTheDocument();

    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      // What untyped code (or code written for 0.1) passes: the type allows 'ru' only.
      const english = 'en' as 'ru';
      expect(() =>
        render(
          <ChatLocaleProvider language={english}>
            <LocaleProbe />
          </ChatLocaleProvider>,
        ),
      ).toThrow(/import \{ enLocale \} from 'unet-chat-redux\/react\/locales\/en'/);
    } finally {
      quiet.mockRestore();
    }
  });
});
