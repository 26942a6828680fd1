CREATE TABLE books (id int, title text, genre text);
CREATE TABLE loans (book_id int, member text, out_on date, back_on date);
INSERT INTO books VALUES (1, 'Dune', 'sf'), (2, 'Emma', 'classic'), (3, 'Neuromancer', 'sf'), (4, 'Ulysses', 'classic'), (5, 'Unread', 'misc');
INSERT INTO loans VALUES (1, 'ann', '2024-01-01', '2024-01-15'), (1, 'bob', '2024-01-20', NULL), (2, 'ann', '2024-02-01', '2024-02-03'), (3, 'cy', '2024-01-05', '2024-02-05'), (3, 'ann', '2024-03-01', NULL);
\pset null (null)
SELECT b.title, count(l.book_id) AS loans, max(l.out_on) AS last_out FROM books b LEFT JOIN loans l ON l.book_id = b.id GROUP BY b.id, b.title ORDER BY loans DESC, b.title;
SELECT b.title, l.member FROM books b JOIN loans l ON l.book_id = b.id WHERE l.back_on IS NULL ORDER BY b.title;
SELECT member, round(avg(back_on - out_on), 1) AS avg_days FROM loans WHERE back_on IS NOT NULL GROUP BY member ORDER BY member;
SELECT genre, count(DISTINCT l.member) FROM books b LEFT JOIN loans l ON l.book_id = b.id GROUP BY genre ORDER BY genre;
SELECT title FROM books b WHERE id NOT IN (SELECT book_id FROM loans) ORDER BY title;
SELECT member, string_agg(b.title, ', ' ORDER BY l.out_on) FROM loans l JOIN books b ON b.id = l.book_id GROUP BY member ORDER BY member;
