/**
 * The course's student panel: «Проверить урок» and «Сдать» in Russian.
 *
 * A side panel for the lesson open in the notebook area and two buttons in every notebook's
 * toolbar. The work is done by the server extension `course.panel` (endpoints under
 * `course-panel/`); where it does not run (the instructor's view) this extension adds nothing.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin,
  ILabShell
} from '@jupyterlab/application';
import { ToolbarButton } from '@jupyterlab/apputils';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';
import { checkIcon } from '@jupyterlab/ui-components';
import { DisposableDelegate } from '@lumino/disposable';
import { Widget } from '@lumino/widgets';

import { translatorConnector } from './translations';

/** One line of a check: an exercise, a written question or a failed cell. */
interface ILine {
  kind: string;
  title: string;
  status: string;
  message: string;
  cell: number;
}

interface ICheck {
  lines: ILine[];
  summary: string;
  seconds: number;
}

interface ISubmission {
  timestamp: string;
  when: string;
  notebooks: string[];
  feedback_ready: boolean;
  feedback: string[];
}

interface IState {
  available: boolean;
  lesson?: string;
  submissions?: ISubmission[];
  fetchable?: string[];
  feedback_to_fetch?: boolean;
}

interface IAction {
  ok: boolean;
  message: string;
}

const MARKS: { [status: string]: string } = {
  passed: '✓',
  answered: '✓',
  failed: '✗',
  missing: '—',
  not_run: '…'
};

async function call<T>(endpoint: string, body: object): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'course-panel', endpoint);
  const response = await ServerConnection.makeRequest(
    url,
    { method: 'POST', body: JSON.stringify(body) },
    settings
  );
  if (!response.ok) {
    throw new Error(String(response.status));
  }
  return (await response.json()) as T;
}

function element(
  tag: string,
  className: string,
  text = '',
  parent?: HTMLElement
): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  if (parent) {
    parent.appendChild(node);
  }
  return node;
}

function button(
  label: string,
  className: string,
  parent: HTMLElement,
  onClick: () => void
): HTMLButtonElement {
  const node = element(
    'button',
    `jp-Button jp-mod-styled ${className}`,
    label,
    parent
  ) as HTMLButtonElement;
  node.type = 'button';
  node.addEventListener('click', onClick);
  return node;
}

function filesUrl(path: string, download: boolean): string {
  const url = URLExt.join(
    PageConfig.getBaseUrl(),
    'files',
    URLExt.encodeParts(path)
  );
  return download ? `${url}?download=1` : url;
}

/** The side panel: the open lesson's check, its hand-in and its submissions. */
class CoursePanel extends Widget {
  private notebook: NotebookPanel | null = null;
  private busy = false;
  private readonly heading: HTMLElement;
  private readonly checkSection: HTMLElement;
  private readonly checkButton: HTMLButtonElement;
  private readonly checkStatus: HTMLElement;
  private readonly checkLines: HTMLElement;
  private readonly checkSummary: HTMLElement;
  private readonly handIn: HTMLElement;

  constructor() {
    super();
    this.id = 'gd-course-panel';
    this.addClass('gd-CoursePanel');
    this.title.icon = checkIcon;
    this.title.caption = 'Урок: проверка и сдача';
    const root = this.node;
    this.heading = element('h2', 'gd-CoursePanel-heading', '', root);
    const check = element('section', 'gd-CoursePanel-check', '', root);
    this.checkSection = check;
    element('h3', '', 'Проверка', check);
    this.checkButton = button('Проверить урок', 'jp-mod-accept gd-CheckButton', check, () =>
      void this.check()
    );
    this.checkStatus = element('p', 'gd-CoursePanel-status', '', check);
    this.checkLines = element('ul', 'gd-CoursePanel-lines', '', check);
    this.checkSummary = element('p', 'gd-CoursePanel-summary', '', check);
    this.handIn = element('section', 'gd-CoursePanel-handin', '', root);
    this.show_lesson();
  }

  /** Follow the notebook open in the main area. */
  setNotebook(notebook: NotebookPanel | null): void {
    if (notebook === this.notebook) {
      return;
    }
    this.notebook = notebook;
    this.checkLines.textContent = '';
    this.checkSummary.textContent = '';
    this.checkStatus.textContent = '';
    this.show_lesson();
    if (notebook) {
      void notebook.context.ready.then(() => {
        void call('warm', { path: notebook.context.path }).catch(() => undefined);
        void this.refresh();
      });
    } else {
      void this.refresh();
    }
  }

  protected onAfterShow(): void {
    void this.refresh();
  }

  private get path(): string {
    return this.notebook ? this.notebook.context.path : '';
  }

  private show_lesson(): void {
    const parts = this.path.split('/');
    this.checkButton.disabled = !this.notebook || this.busy;
    this.checkSection.hidden = !this.notebook;
    if (!this.notebook) {
      this.heading.textContent = 'Откройте ноутбук урока';
      this.handIn.textContent = '';
    } else {
      this.heading.textContent =
        parts.length > 1 ? `Урок ${parts[0]}` : parts[parts.length - 1];
    }
  }

  /** «Проверить урок»: save, then run the lesson's checks on the server. */
  async check(): Promise<void> {
    const notebook = this.notebook;
    if (!notebook || this.busy) {
      return;
    }
    this.busy = true;
    this.checkButton.disabled = true;
    this.checkLines.textContent = '';
    this.checkSummary.textContent = '';
    this.checkStatus.textContent =
      'Сохраняю урок и выполняю его код без опытов в отдельном ядре…';
    try {
      await notebook.context.save();
      const result = await call<ICheck>('check', { path: notebook.context.path });
      this.checkStatus.textContent = result.lines.length
        ? `Проверено за ${result.seconds.toLocaleString('ru-RU')} с.`
        : '';
      for (const line of result.lines) {
        this.showLine(line, notebook);
      }
      this.checkSummary.textContent = result.summary;
    } catch (error) {
      this.checkStatus.textContent =
        'Проверить урок не удалось: сервер не ответил. Попробуйте ещё раз.';
    } finally {
      this.busy = false;
      this.checkButton.disabled = false;
    }
  }

  private showLine(line: ILine, notebook: NotebookPanel): void {
    const item = element(
      'li',
      `gd-CoursePanel-line gd-mod-${line.status}`,
      '',
      this.checkLines
    );
    item.dataset.status = line.status;
    element('span', 'gd-CoursePanel-mark', MARKS[line.status] || '•', item);
    const body = element('div', 'gd-CoursePanel-body', '', item);
    const title = element('a', 'gd-CoursePanel-title', line.title, body);
    title.title = 'Показать в уроке';
    title.addEventListener('click', () => {
      const cells = notebook.content.widgets;
      if (line.cell >= 0 && line.cell < cells.length) {
        notebook.content.activeCellIndex = line.cell;
        void notebook.content.scrollToItem(line.cell, 'center');
      }
    });
    element('div', 'gd-CoursePanel-message', line.message, body);
  }

  /** The hand-in section, from the exchange's state. */
  async refresh(message?: IAction): Promise<void> {
    const path = this.path;
    let state: IState;
    try {
      state = await call<IState>('state', path ? { path } : {});
    } catch (error) {
      this.handIn.textContent = '';
      return;
    }
    if (path !== this.path) {
      return;
    }
    const section = this.handIn;
    section.textContent = '';
    const showMessage = (): void => {
      if (message) {
        element(
          'p',
          `gd-CoursePanel-result ${message.ok ? 'gd-mod-ok' : 'gd-mod-error'}`,
          message.message,
          section
        );
      }
    };
    if (path) {
      element('h3', '', 'Сдача', section);
      if (!state.available) {
        this.showDownload(section);
        return;
      }
      button('Сдать', 'jp-mod-accept gd-SubmitButton', section, () => void this.submit());
      showMessage();
      this.showHistory(state, section);
    } else {
      showMessage();
    }
    const fetchable = state.fetchable || [];
    if (fetchable.length) {
      element('h4', '', 'Новые уроки', section);
      for (const lesson of fetchable) {
        button(`Получить урок ${lesson}`, 'gd-FetchButton', section, () =>
          void this.act('fetch', { lesson })
        );
      }
    }
  }

  private showHistory(state: IState, section: HTMLElement): void {
    const path = this.path;
    const submissions = state.submissions || [];
    element('h4', '', 'История сдач', section);
    if (!submissions.length) {
      element('p', 'gd-CoursePanel-note', 'Этот урок вы ещё не сдавали.', section);
    } else {
      element(
        'p',
        'gd-CoursePanel-note',
        'В оценку идёт последняя сдача.',
        section
      );
      const list = element('ul', 'gd-CoursePanel-history', '', section);
      for (const submission of submissions) {
        const item = element('li', 'gd-CoursePanel-submission', '', list);
        element(
          'div',
          '',
          `${submission.when}: ${submission.notebooks.join(', ')}`,
          item
        );
        for (const page of submission.feedback) {
          const link = element('a', 'gd-FeedbackLink', 'Открыть отзыв', item) as HTMLAnchorElement;
          link.href = filesUrl(page, false);
          link.target = '_blank';
        }
        if (!submission.feedback.length) {
          element(
            'div',
            'gd-CoursePanel-note',
            submission.feedback_ready
              ? 'Отзыв выдан: нажмите «Получить отзыв».'
              : 'Отзыва пока нет.',
            item
          );
        }
      }
    }
    if (state.feedback_to_fetch) {
      button('Получить отзыв', 'gd-FetchFeedbackButton', section, () =>
        void this.act('fetch_feedback', { path })
      );
    }
  }

  private showDownload(section: HTMLElement): void {
    const name = this.path.split('/').pop() || '';
    element(
      'p',
      'gd-CoursePanel-note',
      'В этом курсе работы сдают не здесь, а в системе курса (например, в Moodle). ' +
        `Сохраните урок, скачайте файл ${name} кнопкой ниже и загрузите его в задание ` +
        'курса. Скачать можно и так: щёлкните по файлу в панели файлов правой кнопкой ' +
        'мыши и выберите «Скачать».',
      section
    );
    button('Скачать ноутбук', 'gd-DownloadButton', section, () => {
      const notebook = this.notebook;
      if (!notebook) {
        return;
      }
      void notebook.context.save().then(() => {
        const link = document.createElement('a');
        link.href = filesUrl(notebook.context.path, true);
        link.download = name;
        document.body.appendChild(link);
        link.click();
        link.remove();
      });
    });
  }

  /** «Сдать»: save, then submit through nbgrader's exchange. */
  async submit(): Promise<void> {
    const notebook = this.notebook;
    if (!notebook) {
      return;
    }
    await notebook.context.save();
    await this.act('submit', { path: notebook.context.path });
  }

  private async act(action: string, body: object): Promise<void> {
    let result: IAction;
    try {
      result = await call<IAction>(action, body);
    } catch (error) {
      result = {
        ok: false,
        message: 'Сервер не ответил. Попробуйте ещё раз.'
      };
    }
    await this.refresh(result);
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'gd-course-panel:plugin',
  description: 'Проверка и сдача урока по-русски',
  autoStart: true,
  requires: [INotebookTracker, ILabShell],
  activate: async (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    shell: ILabShell
  ): Promise<void> => {
    try {
      await call('state', {});
    } catch (error) {
      // 404: the server extension does not run (the instructor's view).
      if ((error as Error).message === '404') {
        return;
      }
    }
    const panel = new CoursePanel();
    shell.add(panel, 'right', { rank: 50 });
    tracker.currentChanged.connect((_, notebook) => panel.setNotebook(notebook));
    panel.setNotebook(tracker.currentWidget);
    const reveal = (): void => {
      shell.activateById(panel.id);
    };
    app.docRegistry.addWidgetExtension('Notebook', {
      createNew: (notebook: NotebookPanel) => {
        const check = new ToolbarButton({
          className: 'gd-ToolbarCheck',
          label: 'Проверить урок',
          tooltip: 'Выполнить видимые проверки урока и показать итог по упражнениям',
          onClick: () => {
            panel.setNotebook(notebook);
            reveal();
            void panel.check();
          }
        });
        const submit = new ToolbarButton({
          className: 'gd-ToolbarSubmit',
          label: 'Сдать',
          tooltip: 'Сдать урок преподавателю',
          onClick: () => {
            panel.setNotebook(notebook);
            reveal();
            void panel.submit();
          }
        });
        notebook.toolbar.insertItem(10, 'gd-check', check);
        notebook.toolbar.insertItem(11, 'gd-submit', submit);
        return new DisposableDelegate(() => {
          check.dispose();
          submit.dispose();
        });
      }
    });
  }
};

export default [plugin, translatorConnector];
