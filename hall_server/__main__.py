import sys

from hall_server.cli import main

sys.exit(main())
