/** @jest-environment jsdom */
import { render, screen } from '@testing-library/react';
import { ChatLayout } from '../../../src/react/components';

describe('ChatLayout', () => {
  it('renders the sidebar and the main view side by side in one themed frame', () => {
    const { container } = render(
      <ChatLayout showMain={false} sidebar={<p>the list</p>} main={<p>the chat</p>} />,
    );

    expect(screen.getByText('the list')).toBeInTheDocument();
    expect(screen.getByText('the chat')).toBeInTheDocument();
    expect(container.firstElementChild).toHaveClass('ucr-root', 'ucr-layout');
  });

  it('tells the stylesheet which view a narrow screen shows', () => {
    const { container, rerender } = render(
      <ChatLayout showMain={false} sidebar="list" main="chat" />,
    );
    expect(container.firstElementChild).toHaveAttribute('data-view', 'sidebar');

    rerender(<ChatLayout showMain sidebar="list" main="chat" />);
    expect(container.firstElementChild).toHaveAttribute('data-view', 'main');
  });
});
