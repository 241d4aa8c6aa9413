#ifndef LEADDECK_CNCURSESW_SHIM_H
#define LEADDECK_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <stdlib.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/// Swift cannot read ncurses globals or expand its macros; these accessors do it.
static inline WINDOW *ld_stdscr(void) { return stdscr; }
static inline int ld_lines(void) { return LINES; }
static inline int ld_cols(void) { return COLS; }
static inline int ld_colors(void) { return COLORS; }
static inline attr_t ld_a_bold(void) { return A_BOLD; }
static inline attr_t ld_a_reverse(void) { return A_REVERSE; }
static inline attr_t ld_a_underline(void) { return A_UNDERLINE; }
static inline attr_t ld_a_dim(void) { return A_DIM; }
static inline attr_t ld_a_normal(void) { return A_NORMAL; }
static inline attr_t ld_color_pair(int n) { return COLOR_PAIR(n); }
static inline int ld_key_resize(void) { return KEY_RESIZE; }
static inline int ld_wcwidth(wchar_t c) { return wcwidth(c); }

/// The mouse events the dashboard asks ncurses for: left press and release, wheel up (4) and down (5).
static inline mmask_t ld_mouse_events(void) {
    return BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON4_PRESSED | BUTTON5_PRESSED;
}

/// Takes every queued mouse event, oldest first, into `kinds` (1 left press, 2 left release, 3 wheel up,
/// 4 wheel down, 0 another event), `xs` and `ys`; returns how many. ncurses hands a run of reports that arrive
/// together to one KEY_MOUSE and getmouse returns the newest first, so one call would lose a click's press.
static inline int ld_take_mouse_events(int *kinds, int *xs, int *ys, int max) {
    MEVENT e;
    int n = 0;
    while (n < max && getmouse(&e) == OK) {
        int kind = 0;
        if (e.bstate & BUTTON1_PRESSED) kind = 1;
        else if (e.bstate & BUTTON1_RELEASED) kind = 2;
        else if (e.bstate & BUTTON4_PRESSED) kind = 3;
        else if (e.bstate & BUTTON5_PRESSED) kind = 4;
        kinds[n] = kind;
        xs[n] = e.x;
        ys[n] = e.y;
        n++;
    }
    for (int i = 0; i < n / 2; i++) {
        int j = n - 1 - i, k = kinds[i], x = xs[i], y = ys[i];
        kinds[i] = kinds[j]; xs[i] = xs[j]; ys[i] = ys[j];
        kinds[j] = k; xs[j] = x; ys[j] = y;
    }
    return n;
}

/// Makes wget_wch return a key code of our own for `sequence` (a code no terminfo key uses), replacing what
/// the terminfo entry bound to it; returns the code, or -1.
static inline int ld_define_private_key(const char *sequence) {
    for (int code = KEY_MAX + 1; code < KEY_MAX + 1024; code++) {
        char *bound = keybound(code, 0);
        if (bound == NULL) return define_key(sequence, code) == OK ? code : -1;
        free(bound);
    }
    return -1;
}
#endif
