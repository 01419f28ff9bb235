from pdca.tui.entry import main

main()
