/** @jest-environment jsdom */
/** docs/customization.md, "The message row": wrapping the package's row. */
// example: message-row
import { memo } from 'react';
import { ChatContainer, MessageRow } from 'unet-chat-redux/react';
import type { ChatSlots, MessageRowProps } from 'unet-chat-redux/react';

const STAFF = new Set([1]); // user ids of the admissions office

// The package's row, with a label under every message from the office.
const StaffRow = memo(function StaffRow(props: MessageRowProps) {
  return (
    <>
      <MessageRow {...props} />
      {STAFF.has(props.message.sender_id) && <p className="staff-label">Приёмная комиссия</p>}
    </>
  );
});

// Module level: a new object on every render would remount every row.
const slots: ChatSlots = { MessageRow: StaffRow };

export function AdmissionsChat() {
  return <ChatContainer slots={slots} />;
}
// end example

import { screen, within } from '@testing-library/react';
import { renderChat } from './renderChat';

it('renders the default row and the label under the staff member’s message only', async () => {
  const { user, openSocket } = renderChat(<AdmissionsChat />);
  await user.click(await screen.findByRole('button', { name: /^Поступление 2026/ }));
  await openSocket(1);

  const staff = (await screen.findByText('Паспорт и аттестат')).closest('.ucr-row')!;
  expect(within(staff as HTMLElement).getByText('Приёмная комиссия')).toBeInTheDocument();
  const applicant = screen.getByText('Спасибо!').closest('.ucr-row')!;
  expect(within(applicant as HTMLElement).queryByText('Приёмная комиссия')).toBeNull();
  expect(document.querySelectorAll('.staff-label')).toHaveLength(1);
  // The default row's actions still work.
  await user.click(within(applicant as HTMLElement).getByRole('button', { name: 'Ответить' }));
  expect(document.querySelector('.ucr-composer[data-mode="reply"]')).not.toBeNull();
});
