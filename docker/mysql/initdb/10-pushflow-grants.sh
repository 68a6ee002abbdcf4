# Sourced by the mysql image's entrypoint on the first start (empty data directory).
# The entrypoint creates MYSQL_DATABASE and MYSQL_USER with rights on that database only;
# tests create their own databases named pushflow_t_<random>, so grant the whole `pushflow%`
# prefix — the same grant `bin/pushflow services up` makes on MariaDB/MySQL elsewhere.
if [ -n "${MYSQL_USER:-}" ]; then
	docker_process_sql --database=mysql <<-EOSQL
		GRANT ALL PRIVILEGES ON \`pushflow%\`.* TO '${MYSQL_USER}'@'%';
		FLUSH PRIVILEGES;
	EOSQL
fi
