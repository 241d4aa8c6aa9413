#ifndef LEADDECK_CNCURSESW_SHIM_H
#define LEADDECK_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
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
#endif
