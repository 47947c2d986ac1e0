/** @jest-environment jsdom */
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MAX_MESSAGE_LENGTH, MessageComposer } from '../../../src/react/components';
import type { MessageComposerProps } from '../../../src/react/components';
import { makeMessage } from './fixtures';

function setup(overrides: Partial<MessageComposerProps> = {}) {
  const props: MessageComposerProps = {
    onSend: jest.fn(),
    onCancelReply: jest.fn(),
    onSubmitEdit: jest.fn(),
    onCancelEdit: jest.fn(),
    ...overrides,
  };
  const view = render(<MessageComposer {...props} />);
  const rerender = (next: Partial<MessageComposerProps>) => {
    Object.assign(props, next);
    view.rerender(<MessageComposer {...props} />);
  };
  return { ...view, props, rerender, field: screen.getByRole('textbox') };
}

describe('MessageComposer', () => {
  it('has a labelled field', () => {
    setup();

    expect(screen.getByLabelText('Сообщение')).toBeInstanceOf(HTMLTextAreaElement);
  });

  it('sends the trimmed text on Enter and clears the field', async () => {
    const user = userEvent.setup();
    const { props, field } = setup();

    await user.type(field, '  Привет!  {Enter}');

    expect(props.onSend).toHaveBeenCalledWith('Привет!');
    expect(field).toHaveValue('');
  });

  it('adds a line on Shift+Enter instead of sending', async () => {
    const user = userEvent.setup();
    const { props, field } = setup();

    await user.type(field, 'first{Shift>}{Enter}{/Shift}second');

    expect(props.onSend).not.toHaveBeenCalled();
    expect(field).toHaveValue('first\nsecond');

    await user.keyboard('{Enter}');
    expect(props.onSend).toHaveBeenCalledWith('first\nsecond');
  });

  it('sends with the send button', async () => {
    const user = userEvent.setup();
    const { props, field } = setup();

    await user.type(field, 'by button');
    await user.click(screen.getByRole('button', { name: 'Отправить' }));

    expect(props.onSend).toHaveBeenCalledWith('by button');
  });

  it('refuses empty and whitespace-only text', async () => {
    const user = userEvent.setup();
    const { props, field } = setup();

    await user.type(field, '{Enter}');
    await user.type(field, '   {Enter}');

    expect(props.onSend).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Отправить' })).toBeDisabled();
  });

  it('does not send while an input method is composing a word', () => {
    const { props, field } = setup();
    fireEvent.change(field, { target: { value: 'にほん' } });

    fireEvent.keyDown(field, { key: 'Enter', isComposing: true });

    expect(props.onSend).not.toHaveBeenCalled();
  });

  it('shows a counter before the 4000-character limit is reached, and cuts nothing', () => {
    const { field } = setup();
    fireEvent.change(field, { target: { value: 'a'.repeat(3500) } });
    expect(screen.queryByText(/Осталось/)).toBeNull();

    fireEvent.change(field, { target: { value: 'a'.repeat(3900) } });

    expect(field).not.toHaveAttribute('maxLength');
    expect(screen.getByText('Осталось 100 символов')).toBeInTheDocument();
  });

  it('keeps a 5,000-character paste whole, says it goes out as two messages, and sends both in order', async () => {
    const user = userEvent.setup();
    const { props, field } = setup();
    const first = `${'Первый абзац. '.repeat(200).trim()}`;
    const second = `${'Второй абзац. '.repeat(150).trim()}`;
    const pasted = `${first}\n\n${second}`;
    expect(pasted.length).toBeGreaterThan(MAX_MESSAGE_LENGTH);

    await user.click(field);
    await user.paste(pasted);

    expect(field).toHaveValue(pasted);
    expect(screen.getByText(/оно уйдёт 2 сообщениями по порядку/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Отправить 2 сообщениями' })).toBeEnabled();

    fireEvent.keyDown(field, { key: 'Enter' });

    expect(props.onSend).toHaveBeenNthCalledWith(1, first, { index: 0, count: 2 });
    expect(props.onSend).toHaveBeenNthCalledWith(2, second, { index: 1, count: 2 });
    expect(field).toHaveValue('');
  });

  it('refuses to save an edit over the limit, with a note, instead of cutting it', () => {
    const { props, field } = setup({ editing: makeMessage({ id: 'e9', text: 'short' }) });

    fireEvent.change(field, { target: { value: 'a'.repeat(MAX_MESSAGE_LENGTH + 1) } });
    fireEvent.keyDown(field, { key: 'Enter' });

    expect(props.onSubmitEdit).not.toHaveBeenCalled();
    expect(field).toHaveValue('a'.repeat(MAX_MESSAGE_LENGTH + 1));
    expect(
      screen.getByText(/Изменённое сообщение не может быть длиннее 4000 символов/),
    ).toBeInTheDocument();
    expect(field).toHaveAttribute('aria-invalid', 'true');
  });

  it('keeps a controlled draft: shows `draft` and reports every change, and clears it after a send', async () => {
    const user = userEvent.setup();
    const onDraftChange = jest.fn();
    const { field, rerender, props } = setup({ draft: 'saved text', onDraftChange });
    expect(field).toHaveValue('saved text');

    await user.type(field, '!');
    expect(onDraftChange).toHaveBeenLastCalledWith('saved text!');
    // Controlled: the field shows the prop, not what was typed, until the host passes it.
    expect(field).toHaveValue('saved text');

    rerender({ draft: 'saved text!' });
    fireEvent.keyDown(field, { key: 'Enter' });
    expect(props.onSend).toHaveBeenCalledWith('saved text!');
    expect(onDraftChange).toHaveBeenLastCalledWith('');
  });

  it('leaves a controlled draft alone while editing another message', async () => {
    const user = userEvent.setup();
    const onDraftChange = jest.fn();
    const { field, rerender } = setup({ draft: 'half a thought', onDraftChange });

    rerender({ editing: makeMessage({ id: 'e3', text: 'Old' }) });
    expect(field).toHaveValue('Old');
    await user.type(field, ' and new');
    expect(onDraftChange).not.toHaveBeenCalled();

    rerender({ editing: null });
    expect(field).toHaveValue('half a thought');
  });

  it('edits the last own message on ↑ in an empty field, and not when there is text', async () => {
    const user = userEvent.setup();
    const onEditLast = jest.fn();
    const { field } = setup({ onEditLast });

    await user.click(field);
    await user.keyboard('{ArrowUp}');
    expect(onEditLast).toHaveBeenCalledTimes(1);

    await user.type(field, 'x');
    await user.keyboard('{ArrowUp}');
    expect(onEditLast).toHaveBeenCalledTimes(1);
  });

  it('takes the focus when focusRequest changes', () => {
    const { field, rerender } = setup();
    expect(field).not.toHaveFocus();

    rerender({ focusRequest: 1 });
    expect(field).toHaveFocus();
  });

  it('does nothing while disabled', () => {
    const { field } = setup({ disabled: true });

    expect(field).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Отправить' })).toBeDisabled();
  });

  it('shows the message being answered and cancels the reply with Escape or the close button', async () => {
    const user = userEvent.setup();
    const target = makeMessage({ text: 'Когда экзамен?' });
    const { props, field } = setup({ replyTo: target, replyToName: 'Иван Петров' });

    expect(screen.getByText('Ответ Иван Петров')).toBeInTheDocument();
    expect(screen.getByText('Когда экзамен?')).toBeInTheDocument();
    expect(field).toHaveFocus();

    await user.keyboard('{Escape}');
    expect(props.onCancelReply).toHaveBeenCalledTimes(1);

    await user.click(screen.getByRole('button', { name: 'Отменить ответ' }));
    expect(props.onCancelReply).toHaveBeenCalledTimes(2);
  });

  it('pre-fills the text in edit mode and submits the edit on Enter', async () => {
    const user = userEvent.setup();
    const editing = makeMessage({ id: 'e1', text: 'Old text', sender_id: 1 });
    const { props, field } = setup({ editing });

    expect(field).toHaveValue('Old text');
    expect(field).toHaveFocus();

    await user.clear(field);
    await user.type(field, 'New text{Enter}');

    expect(props.onSubmitEdit).toHaveBeenCalledWith('New text');
    expect(props.onSend).not.toHaveBeenCalled();
  });

  it('cancels an edit with Escape', async () => {
    const user = userEvent.setup();
    const { props } = setup({ editing: makeMessage({ text: 'Old text' }) });

    await user.keyboard('{Escape}');

    expect(props.onCancelEdit).toHaveBeenCalledTimes(1);
  });

  it('treats an unchanged edit as a cancel', async () => {
    const user = userEvent.setup();
    const { props, field } = setup({ editing: makeMessage({ text: 'Same' }) });

    await user.type(field, '{Enter}');

    expect(props.onSubmitEdit).not.toHaveBeenCalled();
    expect(props.onCancelEdit).toHaveBeenCalledTimes(1);
  });

  it('brings back the draft typed before an edit once the edit ends', async () => {
    const user = userEvent.setup();
    const { field, rerender } = setup();
    await user.type(field, 'my draft');

    rerender({ editing: makeMessage({ id: 'e2', text: 'Old text' }) });
    expect(field).toHaveValue('Old text');

    rerender({ editing: null });
    expect(field).toHaveValue('my draft');
  });
});
