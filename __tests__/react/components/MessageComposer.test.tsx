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

  it('limits the text to 4000 characters and shows a counter near the limit', () => {
    const { field } = setup();
    expect(screen.queryByText(/Осталось/)).toBeNull();

    fireEvent.change(field, { target: { value: 'a'.repeat(3900) } });

    expect(field).toHaveAttribute('maxLength', String(MAX_MESSAGE_LENGTH));
    expect(screen.getByText('Осталось 100 символов')).toBeInTheDocument();
  });

  it('refuses text over the limit', () => {
    const { props, field } = setup();

    fireEvent.change(field, { target: { value: 'a'.repeat(MAX_MESSAGE_LENGTH + 1) } });
    fireEvent.keyDown(field, { key: 'Enter' });

    expect(props.onSend).not.toHaveBeenCalled();
    expect(screen.getByText('Сообщение длиннее 4000 символов')).toBeInTheDocument();
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
